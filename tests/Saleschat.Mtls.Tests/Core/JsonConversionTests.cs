using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using Saleschat.Mtls.Errors;
using Saleschat.Mtls.Json;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

public sealed class JsonConversionTests
{
    [Fact]
    public void Hashtables_custom_objects_arrays_and_values_become_json_in_order()
    {
        var custom = new PSObject();
        custom.Properties.Add(new PSNoteProperty("name", "Asha"));
        custom.Properties.Add(new PSNoteProperty("tags", new object?[] { "vip", 2, true, null }));
        var ordered = new OrderedDictionary { ["a"] = 1, ["b"] = custom, ["when"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), ["kind"] = DayOfWeek.Monday, ["x"] = 1.5m };

        string json = JsonBody.Serialize(ordered);

        Assert.Equal("{\"a\":1,\"b\":{\"name\":\"Asha\",\"tags\":[\"vip\",2,true,null]},\"when\":\"2026-01-02T03:04:05.0000000Z\",\"kind\":\"Monday\",\"x\":1.5}", json);
    }

    [Fact]
    public void Depth_is_not_truncated_but_a_cycle_is_an_error()
    {
        var root = new Hashtable();
        var node = root;
        for (int i = 0; i < 50; i++) { var next = new Hashtable(); node["c"] = next; node = next; }
        node["leaf"] = "deep";
        Assert.EndsWith("{\"leaf\":\"deep\"}" + new string('}', 50), JsonBody.Serialize(root));

        var cycle = new Hashtable();
        cycle["self"] = cycle;
        var error = Assert.Throws<SaleschatException>(() => JsonBody.Serialize(cycle));
        Assert.Equal("BodyTooDeep", error.ErrorId);
    }

    [Fact]
    public void Answers_become_custom_objects_arrays_and_plain_values()
    {
        var parsed = (PSObject)JsonResponse.Parse("{\"id\":\"c1\",\"n\":42,\"f\":1.25,\"ok\":true,\"none\":null,\"when\":\"2026-01-02T03:04:05Z\",\"list\":[1,{\"k\":\"v\"}],\"empty\":{}}")!;

        Assert.Equal("c1", parsed.Properties["id"].Value);
        Assert.Equal(42L, parsed.Properties["n"].Value);
        Assert.Equal(1.25, parsed.Properties["f"].Value);
        Assert.Equal(true, parsed.Properties["ok"].Value);
        Assert.Null(parsed.Properties["none"].Value);
        Assert.Equal("2026-01-02T03:04:05Z", parsed.Properties["when"].Value); // dates stay as sent
        var list = (object[])parsed.Properties["list"].Value;
        Assert.Equal(1L, list[0]);
        Assert.Equal("v", ((PSObject)list[1]).Properties["k"].Value);
        Assert.Empty(((PSObject)parsed.Properties["empty"].Value).Properties);
        Assert.Equal(new[] { "id", "n", "f", "ok", "none", "when", "list", "empty" }, parsed.Properties.Select(p => p.Name));
    }

    [Fact]
    public void A_repeated_name_keeps_the_last_value()
    {
        // Members are added pre-validated (the fast path): a repeated name must still leave one member, the last value.
        var parsed = (PSObject)JsonResponse.Parse("{\"a\":1,\"A\":2,\"b\":3}")!;

        Assert.Equal(2, parsed.Properties.Count()); // "a" and "A" are one member, as PowerShell names are case-insensitive
        Assert.Equal(2L, parsed.Properties["a"].Value);
        Assert.Equal(3L, parsed.Properties["b"].Value);
    }

    [Theory]
    [InlineData("{\"PSObject\":1}")]
    [InlineData("[{\"x\":{\"psbase\":1}}]")]
    [InlineData("{\"PSTypeNames\":[\"T\"]}")]
    [InlineData("{\"psadapted\":1,\"PSExtended\":2}")]
    [InlineData("{\"\":1}")]
    public void A_name_no_PowerShell_object_can_hold_is_refused_when_parsed_and_when_validated(string json)
    {
        // A reserved name as a note property would replace PowerShell's own member ($o.psobject.Properties would list
        // nothing); an empty one PowerShell refuses with its raw error.
        Assert.Throws<UnsupportedPropertyNameException>(() => JsonResponse.Parse(json));
        Assert.Throws<UnsupportedPropertyNameException>(() => JsonResponse.Validate(new StringReader(json)));
    }

    [Fact]
    public void Validation_refuses_an_unclosed_value()
    {
        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => JsonResponse.Validate(new StringReader("[{\"a\":1},{\"b\":")));
    }

    [Theory]
    [InlineData("[1,2")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":}")]
    public void Broken_json_is_reported_not_half_read(string json)
    {
        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => JsonResponse.Parse(json));
    }

    [Theory]
    [InlineData("[1/**/]", "[1]")]
    [InlineData("{\"a\":1/**/}", "{a=1}")]
    [InlineData("[/**/]", "[]")]
    [InlineData("/* lead */ {\"a\": /* y */ [/**/1/**/,/**/2/**/] /* z */} // tail", "{a=[1,2]}")]
    public void Comments_are_skipped_wherever_they_stand(string json, string expected)
    {
        Assert.Equal(expected, Describe(JsonResponse.Parse(json)));
        JsonResponse.Validate(new StringReader(json));
        Assert.Equal(expected.StartsWith("[") ? expected.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Length : 1,
            JsonResponse.ReadItems(() => new StringReader(json)).Count());
    }

    [Fact]
    public void A_million_comments_cannot_reach_the_call_stack()
    {
        // One stack frame per comment overflowed the stack with 50,000: a crash no catch can stop.
        string json = "[" + string.Concat(Enumerable.Repeat("/**/", 1_000_000)) + "1]";

        Assert.Equal("[1]", Describe(JsonResponse.Parse(json)));
        Assert.Single(JsonResponse.ReadItems(() => new StringReader(json)));
        JsonResponse.Validate(new StringReader(json));
    }

    [Fact]
    public void Nesting_up_to_the_depth_limit_is_read_and_past_it_refused()
    {
        string Nested(int depth) => string.Concat(Enumerable.Repeat("[/**/{\"k\":/**/", depth)) + "1" + string.Concat(Enumerable.Repeat("}]", depth));

        object parsed = JsonResponse.Parse(Nested(250))!;
        for (int i = 0; i < 250; i++)
        {
            parsed = ((PSObject)((object[])parsed)[0]).Properties["k"].Value;
        }

        Assert.Equal(1L, parsed);
        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => JsonResponse.Parse(Nested(100_000)));
    }

    private static string Describe(object? value) => value switch
    {
        object[] items => "[" + string.Join(",", items.Select(Describe)) + "]",
        PSObject pso => "{" + string.Join(";", pso.Properties.Select(p => p.Name + "=" + Describe(p.Value))) + "}",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null",
    };
}
