using System.Text.Json;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;

namespace NerfEngine.Tests.ControlNode.Autonomy;

public sealed class MutationToolCatalogTests
{
    private static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Run_tak_ml_is_not_an_executor_tool_by_default_but_is_validated_and_estimated_when_an_operator_adds_it()
    {
        Assert.False(new MutationToolCatalog(new AutonomyOptions()).IsAllowed(MutationToolNames.RunTakMl));
        var catalog = new MutationToolCatalog(new AutonomyOptions { MutationTools = [MutationToolNames.RunTakMl] });

        Assert.True(catalog.CheckTool(MutationToolNames.RunTakMl).Passed);
        Assert.True(catalog.Validate(MutationToolNames.RunTakMl, Args("""{"edge_id":"0x1-0x2-0x3"}""")).Passed);
        var missing = catalog.Validate(MutationToolNames.RunTakMl, Args("""{"flow":{"src":"10.0.0.5","dst":"10.0.0.9"}}"""));
        Assert.False(missing.Passed);
        Assert.Contains("'edge_id' is required", missing.Reason);
        var effect = MutationToolCatalog.Estimate(MutationToolNames.RunTakMl, Args("""{"edge_id":"0x1-0x2-0x3"}"""));
        Assert.Equal("asks the flow model to score edge 0x1-0x2-0x3 and records the score on it; a later score replaces it", effect.Summary);
        Assert.Equal(EffectReversibility.Reversible, effect.Reversibility);
    }
}
