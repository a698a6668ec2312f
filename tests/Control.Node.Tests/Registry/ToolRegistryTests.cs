using System.Text.Json;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>The registry's rules on their own (no HTTP): validation both ways, refusals, metrics and the audit trail.</summary>
public sealed class ToolRegistryTests
{
    private static readonly AgentIdentity Operator = new("operator", AgentMode.Mutate, 3);
    private static readonly AgentIdentity Observer = new("observer", AgentMode.Observe, 0);

    [Fact]
    public async Task Invalid_arguments_never_reach_the_handler_and_every_problem_is_listed()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Observer, "echo_numbers", """{"count":"seven","label":"much too long","mode":"loud","extra":1}""");
        Assert.Equal(ToolCallStatus.ToolError, result.Status);
        Assert.Equal(ToolErrorCodes.InvalidArguments, result.Error!.Code);
        Assert.Equal(4, result.Error.Details!.Count);
        Assert.Equal(0, f.Tools.EchoRuns);
        Assert.Equal(1, f.Registry.Metrics["echo_numbers"].InvalidArguments);
        var record = Assert.Single(await f.AuditAsync());
        Assert.Equal(AuditOutcomes.InvalidArguments, record.Outcome);
        Assert.False(record.Admitted);
    }

    [Fact]
    public async Task Missing_required_and_non_json_arguments_are_argument_errors()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var missing = await f.Registry.CallAsync(Observer, "echo_numbers", "{}");
        Assert.Contains(missing.Error!.Details!, d => d.StartsWith("count", StringComparison.Ordinal));
        var notJson = await f.Registry.CallAsync(Observer, "echo_numbers", "{count:");
        Assert.Equal(ToolErrorCodes.InvalidArguments, notJson.Error!.Code);
        var repeated = await f.Registry.CallAsync(Observer, "echo_numbers", """{"count":1,"count":9}""");
        Assert.Equal(ToolErrorCodes.InvalidArguments, repeated.Error!.Code); // validator and deserializer must see one value
        Assert.Equal(0, f.Tools.EchoRuns);
    }

    [Fact]
    public async Task Valid_arguments_run_the_handler_and_return_snake_case_structured_output()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Observer, "echo_numbers", """{"count":3,"mode":"fancy_format"}""");
        Assert.True(result.IsSuccess);
        Assert.Equal("""{"values":[1,2,3],"label":null,"mode":"fancy_format"}""", result.Structured!.Value.GetRawText());
        var record = Assert.Single(await f.AuditAsync());
        Assert.Equal(AuditOutcomes.Ok, record.Outcome);
        Assert.Equal("values=[3], label=null, mode=\"fancy_format\"", record.ResultSummary);
    }

    [Fact]
    public async Task Output_that_fails_its_schema_is_withheld_counted_and_audited_as_an_internal_error()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Observer, "broken_output", null);
        Assert.Equal(ToolCallStatus.InternalError, result.Status);
        Assert.Null(result.Structured);
        Assert.DoesNotContain("far too long", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, f.Tools.BrokenRuns);
        Assert.Equal(1, f.Registry.Metrics["broken_output"].OutputInvalid);
        Assert.Equal(1, f.Registry.Metrics["broken_output"].Errors);
        var record = Assert.Single(await f.AuditAsync());
        Assert.Equal(AuditOutcomes.OutputInvalid, record.Outcome);
        Assert.Contains("code", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_tools_and_handler_refusals_are_reported_and_audited()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        Assert.Equal(ToolCallStatus.UnknownTool, (await f.Registry.CallAsync(Observer, "no_such_tool", "{}")).Status);
        var refused = await f.Registry.CallAsync(Observer, "refuses", "{}");
        Assert.Equal(ToolErrorCodes.NotFound, refused.Error!.Code);
        var audit = await f.AuditAsync();
        Assert.Equal([AuditOutcomes.UnknownTool, AuditOutcomes.ToolError], audit.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_mode_below_the_tools_requirement_is_refused_before_validation()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Observer, "bump_counter", "{\"junk\":1}");
        Assert.Equal(ToolErrorCodes.ModeNotPermitted, result.Error!.Code);
        Assert.Equal(0, f.Tools.Mutations);
        Assert.DoesNotContain(f.Registry.VisibleTo(Observer), d => d.Mutates);
        Assert.Contains(f.Registry.VisibleTo(Operator), d => d.Name == "bump_counter");
    }

    [Fact]
    public async Task Audit_records_bound_parameters_and_summarise_results_without_copying_them()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var big = "{\"count\":1,\"label\":\"" + new string('q', 10_000) + "\"}";
        await f.Registry.CallAsync(Observer, "echo_numbers", big);
        await f.Registry.CallAsync(Observer, "big_output", null);
        var audit = await f.AuditAsync();
        Assert.True(audit[0].Params!.Length <= f.Registry.Options.AuditMaxParamsChars);
        Assert.Contains("chars)", audit[0].Params, StringComparison.Ordinal);
        Assert.True(audit[1].ResultSummary!.Length <= f.Registry.Options.AuditMaxSummaryChars);
        Assert.Contains("items=[500]", audit[1].ResultSummary, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('z', 100), audit[1].ResultSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_runs_are_admitted_budgeted_and_audited_but_not_executed()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Operator, "bump_unlimited", "{}", new ToolCallOptions(DryRun: true));
        Assert.True(result.IsSuccess);
        Assert.False(result.Committed);
        Assert.Equal("bump_unlimited would run with the given arguments", result.EstimatedEffect);
        Assert.Equal(0, f.Tools.Mutations);
        Assert.Equal(2, f.Registry.Admission.MutationsRemaining(Operator));
        var record = Assert.Single(await f.AuditAsync());
        Assert.Equal(AuditOutcomes.DryRun, record.Outcome);
        Assert.True(record.Admitted);
    }

    [Fact]
    public async Task Per_tool_metrics_are_exported_through_NerfMetrics()
    {
        var time = new ManualTimeProvider();
        await using var f = await RegistryFixture.StartAsync(time);
        using var metrics = new NerfMetrics();
        var registry = new ToolRegistry([new RegistryTestTools()], f.Audit, new RegistryOptions(), time, metrics);
        await registry.CallAsync(Operator, "bump_counter", "{}");
        await registry.CallAsync(Operator, "bump_counter", "{}");
        var snapshot = metrics.Snapshot();
        double Value(string name) => snapshot[name].Single(s => s.Labels!.Any(l => l.Value == "bump_counter")).Value;
        Assert.Equal(2, Value("nerf_registry_tool_invocations_total"));
        Assert.Equal(1, Value("nerf_registry_tool_mutations_total"));
        Assert.Equal(1, Value("nerf_registry_tool_rate_limited_total"));
        Assert.Equal(1, Value("nerf_registry_tool_errors_total"));
        Assert.Contains("nerf_registry_audit_written_total", metrics.RenderPrometheusText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_lists_what_the_agent_may_call_with_rate_limits_modes_and_remaining_budget()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        var result = await f.Registry.CallAsync(Operator, "list_tools_schema", "{}");
        var doc = result.Structured!.Value;
        Assert.Equal(3, doc.GetProperty("agent").GetProperty("mutations_remaining").GetInt32());
        var bump = doc.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "bump_counter");
        Assert.Equal(2000, bump.GetProperty("min_interval_ms").GetInt64());
        Assert.Equal("mutate", bump.GetProperty("required_mode").GetString());
        Assert.Equal("per_agent", bump.GetProperty("rate_limit_scope").GetString());
        Assert.True(bump.GetProperty("mutates").GetBoolean());
        Assert.Equal(JsonValueKind.Object, bump.GetProperty("input_schema").ValueKind);
        var metrics = await f.Registry.CallAsync(Operator, "get_tool_metrics", """{"tool":"list_tools_schema"}""");
        Assert.Equal(1, metrics.Structured!.Value.GetProperty("tools")[0].GetProperty("invocations").GetInt64());
    }
}
