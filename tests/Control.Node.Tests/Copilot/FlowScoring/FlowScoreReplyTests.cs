using NerfEngine.Control.Copilot.FlowScoring;

namespace NerfEngine.Tests.ControlNode.Copilot.FlowScoring;

public sealed class FlowScoreReplyTests
{
    private static readonly FlowScoringOptions Options = new() { MaxRationaleChars = 40 };

    [Fact]
    public void A_valid_answer_gives_score_label_and_rationale()
    {
        var (score, label, rationale) = FlowScoreReply.Parse("""{"score": 0.82, "label": "Malicious", "rationale": "SSH from a scanner"}""", Options);

        Assert.Equal(0.82, score);
        Assert.Equal("malicious", label);
        Assert.Equal("SSH from a scanner", rationale);
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[0.5]", "JSON array, not an object")]
    [InlineData("""{"label":"benign","rationale":"x"}""", "\"score\" must be a number")]
    [InlineData("""{"score":"0.5","label":"benign","rationale":"x"}""", "\"score\" must be a number")]
    [InlineData("""{"score":1.5,"label":"benign","rationale":"x"}""", "\"score\" 1.5 is outside [0, 1]")]
    [InlineData("""{"score":-0.1,"label":"benign","rationale":"x"}""", "outside [0, 1]")]
    [InlineData("""{"score":0.5,"label":"spicy","rationale":"x"}""", "\"label\" must be one of benign, suspicious, malicious, got 'spicy'")]
    [InlineData("""{"score":0.5,"rationale":"x"}""", "got none")]
    [InlineData("""{"score":0.5,"label":"benign","rationale":"  "}""", "\"rationale\" must be a non-empty string")]
    public void Invalid_answers_are_refused_with_the_reason(string answer, string reason)
    {
        var ex = Assert.Throws<InvalidModelOutputException>(() => FlowScoreReply.Parse(answer, Options));

        Assert.StartsWith("invalid model output: ", ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void A_long_rationale_is_cut_not_refused()
    {
        var (_, _, rationale) = FlowScoreReply.Parse($$"""{"score":0.1,"label":"benign","rationale":"{{new string('r', 500)}}"}""", Options);

        Assert.Equal(40, rationale.Length);
        Assert.EndsWith("…", rationale);
    }
}
