using System.Reflection;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Request;
using Xunit;

namespace Saleschat.Mtls.Tests.Http;

/// <summary>
/// The header gate: a request's extra headers enter only through RequestHeaders.Set, which refuses what could inject
/// headers on the wire, so the sender (which writes them as given) never holds an unchecked one.
/// </summary>
public sealed class RequestHeadersTests
{
    [Theory]
    [InlineData("X-A", "v\r\nX-Injected: 1", "X-A")]
    [InlineData("X-A", "v\nX-Injected: 1", "X-A")]
    [InlineData("X-A", "v\0w", "X-A")]
    [InlineData("X-A\r\nX-Injected", "1", "X-A\\u000d\\u000aX-Injected")]
    [InlineData("X-A: 1", "1", "X-A: 1")]
    public void A_bad_header_never_enters_a_request(string name, string value, string target)
    {
        var headers = new RequestHeaders();
        headers.Set("X-Request-Id", "abc 123");

        var error = Assert.Throws<SaleschatException>(() => headers.Set(name, value));

        Assert.Equal(ErrorIds.InvalidHeader, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(target, error.Target);
        var request = new ApiRequest { Headers = headers };
        Assert.Equal(new[] { new KeyValuePair<string, string>("X-Request-Id", "abc 123") }, Read(request.Headers!));
    }

    [Fact]
    public void Names_are_case_insensitive_and_a_second_spelling_replaces_the_first()
    {
        var headers = new RequestHeaders();
        headers.Set("X-Tab", "a\tb");
        headers.Set("x-tab", "c");

        Assert.True(headers.Contains("X-TAB"));
        Assert.Equal(1, headers.Count);
        Assert.Equal("c", Read(headers).Single().Value);
    }

    [Fact]
    public void A_request_takes_headers_only_from_the_gate_and_the_gate_has_no_unchecked_way_in()
    {
        Assert.Equal(typeof(RequestHeaders), typeof(ApiRequest).GetProperty(nameof(ApiRequest.Headers))!.PropertyType);

        // Set is the one member that changes the headers; a new Add or indexer here would be a way past the check.
        string[] members = typeof(RequestHeaders)
            .GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.Name)
            .Where(n => n != ".ctor")
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(new[] { "Contains", "Count", "GetEnumerator", "Set", "get_Count" }, members);
        Assert.False(typeof(ICollection<KeyValuePair<string, string>>).IsAssignableFrom(typeof(RequestHeaders)));
    }

    private static List<KeyValuePair<string, string>> Read(RequestHeaders headers)
    {
        var read = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, string> header in headers)
        {
            read.Add(header);
        }

        return read;
    }
}
