using Microsoft.Extensions.Diagnostics.HealthChecks;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// /ready says whether the autonomy executor serves: unhealthy, with the reason, from a failure (journal conflict,
/// unreachable journal) until it has recovered; degraded (still 200) during the first recovery at start-up.
/// Taking the executor's reference spawns it, so readiness never waits for the first tool call to start it.
/// </summary>
public sealed class ExecutorReadinessCheck(ExecutorAvailability availability, IActorRef<ExecutorCommand> executor) : IHealthCheck
{
    /// <summary>Name of the check in health reports.</summary>
    public const string Name = "autonomy-executor";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        GC.KeepAlive(executor);
        var state = availability.Current;
        var data = new Dictionary<string, object> { ["since"] = state.Since, ["failures"] = state.Failures };
        if (state.SequenceNr is { } sequenceNr) data["sequence_nr"] = sequenceNr;
        return Task.FromResult(state switch
        {
            { IsAvailable: true } => HealthCheckResult.Healthy("executor serving", data),
            { Failures: 0 } => HealthCheckResult.Degraded(state.Reason, data: data),
            _ => HealthCheckResult.Unhealthy($"executor unavailable: {state.Reason}", data: data),
        });
    }
}
