using Saleschat.Mtls.Http.Response;
using Saleschat.Mtls.Http;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class ServerTextTests
{
    [Theory]
    [InlineData("\u001b[2J\u001b]0;owned\u0007red\u001b[0m", "[2J]0;ownedred[0m")]
    [InlineData("a\u202eb\u2066c\u200fd", "abcd")]
    [InlineData("c1\u0085\u009bx", "c1x")]
    [InlineData("nul\0del\u007f", "nuldel")]
    [InlineData("tab\tkept", "tab\tkept")]
    [InlineData("caf\u00e9 \u4e2d\u6587", "caf\u00e9 \u4e2d\u6587")]
    public void Terminal_controls_are_dropped_and_text_is_kept(string text, string expected) =>
        Assert.Equal(expected, ServerText.Clean(text, 100, keepLines: false));

    [Fact]
    public void Line_breaks_are_kept_only_where_lines_are_allowed()
    {
        Assert.Equal("a\r\nb", ServerText.Clean("a\r\nb", 100, keepLines: true));
        Assert.Equal("a b", ServerText.Clean("a\r\nb", 100, keepLines: false));
    }

    [Fact]
    public void Long_text_is_cut_and_the_cut_is_said()
    {
        string cleaned = ServerText.Clean(new string('x', 20_000_000), ServerText.MessageLimit, keepLines: false);

        Assert.True(cleaned.Length < ServerText.MessageLimit + 64);
        Assert.EndsWith("[... cut: 19995904 more characters]", cleaned);
    }

    [Fact]
    public void Null_stays_null() => Assert.Null(ServerText.Clean(null, 10, keepLines: true));
}
