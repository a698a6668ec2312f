using System.Text.Json.Nodes;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>The budget's check-and-consume is atomic: a burst of concurrent mutating calls admits exactly the budget.</summary>
public sealed class ConcurrentBudgetTests
{
    [Fact]
    public async Task Two_hundred_concurrent_mutating_calls_against_a_budget_of_3_execute_exactly_3()
    {
        await using var host = await McpTestHost.StartAsync();
        using var http = new McpHttp(host.Url);
        await host.SeedAsync();
        using var start = new ManualResetEventSlim(false);

        var calls = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await http.CallToolAsync("prune_below_weight", new JsonObject { ["min_weight"] = 0 }, McpTestHost.FrugalToken);
        })).ToList();
        start.Set();
        var replies = await Task.WhenAll(calls);

        Assert.Equal(3, replies.Count(r => r.Structured is not null && !r.IsToolError));
        Assert.Equal(197, replies.Count(r => r.ToolError?["code"]?.GetValue<string>() == "MUTATION_BUDGET_EXCEEDED"));
        Assert.Equal(3, host.Registry.Metrics["prune_below_weight"].Mutations);

        var audit = (await host.AuditAsync()).Where(r => r.Tool == "prune_below_weight").ToList();
        Assert.Equal(200, audit.Select(r => r.Id).Distinct().Count()); // every call audited
        Assert.Equal(3, audit.Count(r => r.Committed && r.Outcome == AuditOutcomes.Ok));
        Assert.Equal(197, audit.Count(r => r.Outcome == AuditOutcomes.MutationBudgetExceeded && !r.Admitted));
        // Each executed call's budget unit was journaled ahead of it, under the same call id.
        var admitted = audit.Where(r => r.Outcome == AuditOutcomes.Admitted).Select(r => r.Id).Order().ToList();
        Assert.Equal(audit.Where(r => r.Outcome == AuditOutcomes.Ok).Select(r => r.Id).Order(), admitted);
        Assert.Equal(203, audit.Count);
    }
}
