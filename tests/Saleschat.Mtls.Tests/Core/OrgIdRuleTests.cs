using System;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Sessions;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class OrgIdRuleTests
{
    private static readonly Uri Base = new("https://mtls.apis.t.saleschat.pro/");

    [Theory]
    [InlineData("org-1")]
    [InlineData("42")]
    [InlineData("5f0c8a4e-3b1d-4c7a-9e2f-1a2b3c4d5e6f")]
    [InlineData("Acme_Corp.eu~2")]
    [InlineData("a..b")]
    [InlineData("tenant:acme@eu+1=x,y;z")]
    public void Ids_Saleschat_could_issue_pass_and_stay_one_segment(string orgId)
    {
        OrgIdRule.Require(orgId);

        Uri resolved = ApiPath.Resolve(Base, "/v2/org/{orgId}/contact/42", orgId, null);

        Assert.Equal(6, resolved.Segments.Length); // "/", "v2/", "org/", "<id>/", "contact/", "42"
        Assert.Equal("/v2/org/" + Uri.EscapeDataString(orgId) + "/contact/42", resolved.AbsolutePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("a/b")]
    [InlineData("../v1")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a b")]
    [InlineData(" ")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\u0000b")]
    [InlineData("a\u001b[31m")]
    [InlineData("org\u00e9")]
    public void Values_that_could_move_a_request_are_refused(string orgId)
    {
        var error = Assert.Throws<SaleschatException>(() => OrgIdRule.Require(orgId));

        Assert.Equal(ErrorIds.InvalidOrgId, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(orgId, error.Target);
        Assert.True(error.Message.IndexOfAny(['\r', '\n', '\0', '\u001b']) < 0, error.Message);
    }

    [Fact]
    public void No_org_id_is_not_an_error_until_a_path_needs_one() => OrgIdRule.Require(null);

    [Fact]
    public void An_overlong_id_is_refused() =>
        Assert.Equal(ErrorIds.InvalidOrgId, Assert.Throws<SaleschatException>(() => OrgIdRule.Require(new string('a', OrgIdRule.MaximumLength + 1))).ErrorId);

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("....")]
    [InlineData("a/b")]
    [InlineData("/")]
    [InlineData("a\\b")]
    public void A_placeholder_value_never_adds_or_removes_a_segment_whatever_its_source(string value)
    {
        // ApiPath is the last line: even a value no session check saw (a session made in code) cannot steer the path.
        var error = Assert.Throws<SaleschatException>(() => ApiPath.Resolve(Base, "/v2/org/{orgId}/contact/42", value, null));

        Assert.Equal(ErrorIds.InvalidOrgId, error.ErrorId);
    }
}
