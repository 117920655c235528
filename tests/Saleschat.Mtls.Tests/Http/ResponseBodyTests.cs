using System.IO.Compression;
using System.Net.Http;
using System.Text;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Http;

public sealed class ResponseBodyTests
{
    private const string Describe = "GET https://host/x answered 200 OK";

    [Fact]
    public async Task A_body_within_the_limit_is_read_whole()
    {
        byte[] data = Encoding.UTF8.GetBytes(new string('a', 3_000_000));

        BodyBuffer body = await ResponseBody.ReadAllAsync(new StreamContent(new MemoryStream(data)), 4_000_000, truncate: false, Describe, CancellationToken.None);

        Assert.Equal(data.Length, body.Length);
        Assert.False(body.Truncated);
        using var copy = new MemoryStream();
        await body.OpenRead().CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task A_body_exactly_at_the_limit_is_accepted()
    {
        BodyBuffer body = await ResponseBody.ReadAllAsync(new StreamContent(new MemoryStream(new byte[1000])), 1000, truncate: false, Describe, CancellationToken.None);

        Assert.Equal(1000, body.Length);
    }

    [Theory]
    [InlineData("utf-8", false)]
    [InlineData("utf-8", true)]
    [InlineData("utf-16", true)]
    [InlineData("iso-8859-1", false)]
    public async Task A_small_answer_decodes_by_its_charset_or_its_byte_order_mark(string charset, bool byteOrderMark)
    {
        // Small answers are decoded in one call, larger ones through a reader: both must read text the same way.
        const string text = "{\"name\":\"Zoë ✓\",\"n\":1}";
        Encoding encoding = Encoding.GetEncoding(charset);
        if (charset == "iso-8859-1") { encoding = Encoding.Latin1; }
        string sent = charset == "iso-8859-1" ? "{\"name\":\"Zoë\",\"n\":1}" : text;
        byte[] data = (byteOrderMark ? encoding.GetPreamble() : []).Concat(encoding.GetBytes(sent)).ToArray();
        var content = new ByteArrayContent(data);
        content.Headers.ContentLength = data.Length;

        BodyBuffer body = await ResponseBody.ReadAllAsync(content, 1_000_000, truncate: false, Describe, CancellationToken.None);
        var response = new ApiResponse { StatusCode = 200, ContentType = "application/json" };
        response.SetContent(body, byteOrderMark ? null : charset);

        Assert.Equal(sent, response.Body);
    }

    [Theory]
    [InlineData("utf-7")]
    [InlineData("\"utf-7\"")]
    [InlineData("x-no-such-charset")]
    [InlineData("windows-1252")] // a code page .NET (Core) knows only with CodePagesEncodingProvider registered
    public async Task A_charset_the_platform_refuses_reads_as_UTF8(string charset)
    {
        byte[] data = Encoding.UTF8.GetBytes("{\"ok\":true}");
        var content = new ByteArrayContent(data);
        content.Headers.ContentLength = data.Length;

        BodyBuffer body = await ResponseBody.ReadAllAsync(content, 1_000_000, truncate: false, Describe, CancellationToken.None);
        var response = new ApiResponse { StatusCode = 200, ContentType = "application/json" };
        response.SetContent(body, charset);

        Assert.Equal("{\"ok\":true}", response.Body);
    }

    [Fact]
    public async Task A_body_over_the_limit_fails_with_ResponseTooLarge()
    {
        var error = await Assert.ThrowsAsync<SaleschatException>(() =>
            ResponseBody.ReadAllAsync(new StreamContent(new MemoryStream(new byte[1001])), 1000, truncate: false, Describe, CancellationToken.None));

        Assert.Equal(ErrorIds.ResponseTooLarge, error.ErrorId);
        Assert.Contains("-MaximumResponseSize", error.Message);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_fails_before_reading()
    {
        var content = new StreamContent(new ThrowingStream());
        content.Headers.ContentLength = 5000;

        var error = await Assert.ThrowsAsync<SaleschatException>(() => ResponseBody.ReadAllAsync(content, 1000, truncate: false, Describe, CancellationToken.None));

        Assert.Equal(ErrorIds.ResponseTooLarge, error.ErrorId);
    }

    [Fact]
    public async Task An_error_body_is_cut_at_the_limit_and_marked()
    {
        BodyBuffer body = await ResponseBody.ReadAllAsync(new StreamContent(new MemoryStream(new byte[100_000])), ResponseBody.ErrorBodyLimit, truncate: true, Describe, CancellationToken.None);

        Assert.Equal(ResponseBody.ErrorBodyLimit, body.Length);
        Assert.True(body.Truncated);
    }

    [Fact]
    public async Task Gzip_is_inflated()
    {
        byte[] text = Encoding.UTF8.GetBytes("{\"hello\":\"world\"}");

        BodyBuffer body = await ResponseBody.ReadAllAsync(Gzip(text), 1000, truncate: false, Describe, CancellationToken.None);

        using var reader = new StreamReader(body.OpenRead());
        Assert.Equal("{\"hello\":\"world\"}", reader.ReadToEnd());
    }

    [Fact]
    public async Task The_size_limit_counts_inflated_bytes()
    {
        var error = await Assert.ThrowsAsync<SaleschatException>(() =>
            ResponseBody.ReadAllAsync(Gzip(new byte[2_000_000]), 1_000_000, truncate: false, Describe, CancellationToken.None));

        Assert.Equal(ErrorIds.ResponseTooLarge, error.ErrorId);
    }

    [Fact]
    public async Task A_gzip_bomb_is_stopped_by_its_ratio_past_the_floor()
    {
        var error = await Assert.ThrowsAsync<SaleschatException>(() =>
            ResponseBody.ReadAllAsync(Gzip(new byte[64 * 1024 * 1024]), long.MaxValue, truncate: false, Describe, CancellationToken.None));

        Assert.Equal(ErrorIds.ResponseTooLarge, error.ErrorId);
        Assert.Contains("compression bomb", error.Message);
    }

    [Fact]
    public async Task Zeros_below_the_ratio_floor_are_fine()
    {
        BodyBuffer body = await ResponseBody.ReadAllAsync(Gzip(new byte[8 * 1024 * 1024]), long.MaxValue, truncate: false, Describe, CancellationToken.None);

        Assert.Equal(8 * 1024 * 1024, body.Length);
    }

    private static HttpContent Gzip(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the body must not be read");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the body must not be read");
    }
}
