using NerfEngine.Control.Copilot.Dsl;

namespace NerfEngine.Tests.ControlNode.Copilot;

public sealed class DslParserTests
{
    private const string TextPlan = """
        # every verb once
        FOCUS 10.10.0.80
        window 5m
        FILTER port>=443; FILTER weight > 0.5
        ANALYZE fan-in
        CLUSTER timing
        TRACE paths depth 3
        EXPAND
        SUMMARIZE
        ASSESS
        """;

    [Fact]
    public void Text_plan_with_every_verb_is_parsed_and_normalised()
    {
        var steps = DslParser.ParseText(TextPlan);

        Assert.Equal(
            ["FOCUS 10.10.0.80", "WINDOW 5m", "FILTER port >= 443", "FILTER weight > 0.5", "ANALYZE fanin", "CLUSTER timing", "TRACE 3", "EXPAND 1", "SUMMARIZE", "ASSESS"],
            steps.Select(s => s.ToString()));
    }

    [Fact]
    public void Json_plan_parses_to_the_same_steps_as_text()
    {
        const string json = """
            {"plan":[{"verb":"FOCUS","args":["10.10.0.80"]},{"verb":"WINDOW","args":["since","1700000000000000000"]},
            {"verb":"filter","args":["port",">=",443]},{"verb":"ANALYZE","args":["temporal_sync"]},{"verb":"TRACE","args":["depth 2"]},{"verb":"ASSESS"}]}
            """;

        var steps = DslParser.ParseJson(json);

        Assert.Equal(
            ["FOCUS 10.10.0.80", "WINDOW since 1700000000000000000", "FILTER port >= 443", "ANALYZE temporal_sync", "TRACE 2", "ASSESS"],
            steps.Select(s => s.ToString()));
        Assert.Equal(DslParser.ParseText("FOCUS 10.10.0.80\nASSESS").Select(s => s.ToString()), DslParser.ParseJson("""[{"verb":"FOCUS","args":["10.10.0.80"]},{"verb":"ASSESS","args":[]}]""").Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("FOCUS 10.10.0.80\nPIVOT 10.10.0.80", "line 2, column 1: unknown verb 'PIVOT'")]
    [InlineData("FOCUS 10.10.0.80;  ANALYZE fanin ;  TRACE deep", "line 1, column 37: TRACE takes an optional")]
    [InlineData("ANALYZE entropy", "ANALYZE takes one of degree_delta, detections, fanin, fanout, port_spread, temporal_sync")]
    [InlineData("FOCUS evil.example.org", "FOCUS takes one IP address or node:0x… id")]
    [InlineData("WINDOW 5 parsecs", "WINDOW takes a duration")]
    [InlineData("FILTER colour = 3", "FILTER field 'colour' is unknown")]
    [InlineData("CLUSTER geo", "CLUSTER takes one of timing, asn")]
    [InlineData("TRACE depth 0", "TRACE depth must be ≥ 1")]
    [InlineData("ASSESS now", "ASSESS takes no arguments")]
    [InlineData("1 10.10.0.80", "unknown verb '1'")]
    public void Bad_text_steps_fail_with_a_clear_error(string text, string expected)
    {
        var ex = Assert.Throws<DslParseException>(() => DslParser.ParseText(text));

        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("not json", "plan is not valid JSON")]
    [InlineData("""{"steps":[]}""", "plan must be a JSON array")]
    [InlineData("""[{"verb":"FOCUS","args":["10.10.0.80"]},{"args":["x"]}]""", "step 2: each step must be an object with a string \"verb\"")]
    [InlineData("""[{"verb":"EXPLODE"}]""", "step 1: unknown verb 'EXPLODE'")]
    [InlineData("""[{"verb":"FOCUS","args":[{"ip":"10.10.0.80"}]}]""", "arguments must be strings or numbers")]
    public void Bad_json_plans_fail_with_a_clear_error(string json, string expected)
    {
        var ex = Assert.Throws<DslParseException>(() => DslParser.ParseJson(json));

        Assert.Contains(expected, ex.Message);
    }
}
