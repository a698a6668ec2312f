using Microsoft.Extensions.Logging;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// The executor's parent (Akka's BackoffSupervisor shape): spawns the <see cref="ExecutorActor"/> as its only child,
/// forwards every command to it, and restarts it with exponential backoff, without limit, whenever it fails: a journal
/// conflict (another writer appended behind its back) or an unreachable journal. Each restart recovers the state from
/// the journal, the other writer's events included. While the child is down after a failure, asks get an
/// <see cref="ExecutorUnavailableException"/> at once instead of waiting for the restart; fire-and-forget commands (and
/// everything during the first recovery at start-up) wait in the child's mailbox, which survives restarts.
/// </summary>
public sealed class ExecutorSupervisor(Props<ExecutorCommand> executor, ExecutorAvailability availability) : Actor<ExecutorCommand>
{
    private const string ChildName = "executor";

    private IActorRef<ExecutorCommand>? _child;

    /// <summary>Props for spawning the supervisor with <paramref name="executor"/> (an <see cref="ExecutorActor"/>) as its child.</summary>
    public static Props<ExecutorCommand> Props(
        AutonomyOptions options, Props<ExecutorCommand> executor, ExecutorAvailability availability, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(availability);
        var strategy = new SupervisorStrategy
        {
            // The decider runs on the failing child's loop, before its restart: the first place that knows it is down.
            Decider = failure =>
            {
                var reason = ExecutorUnavailableException.Describe(failure, options.ExecutorPersistenceId);
                availability.MarkRecovering(reason);
                logger?.LogError(failure, "autonomy executor: {Reason}; not accepting commands until it has recovered", reason);
                return SupervisorDirective.Restart;
            },
            Backoff = new RestartBackoff(options.ExecutorRestartMinBackoff, options.ExecutorRestartMaxBackoff, 2.0),
            MaxRestarts = null,
        };
        return Shared.Fabric.Actors.Props.Create(() => new ExecutorSupervisor(executor, availability)).WithSupervisorStrategy(strategy);
    }

    /// <summary>
    /// Fails the ask behind <paramref name="command"/> with <paramref name="reason"/>; false when the command has no
    /// reply address or its reply address is not an ask (an actor's reply address cannot carry a failure).
    /// </summary>
    public static bool TryFailAsk(ExecutorCommand command, Exception reason) => command switch
    {
        Propose { ReplyTo: { } replyTo } => replyTo.TryFailAsk(reason),
        GetStatus { ReplyTo: var replyTo } => replyTo.TryFailAsk(reason),
        GetDecisionLog { ReplyTo: var replyTo } => replyTo.TryFailAsk(reason),
        GetLearningAdvice { ReplyTo: var replyTo } => replyTo.TryFailAsk(reason),
        SetPhase { ReplyTo: var replyTo } => replyTo.TryFailAsk(reason),
        ReportReward { ReplyTo: { } replyTo } => replyTo.TryFailAsk(reason),
        _ => false,
    };

    /// <inheritdoc />
    protected override ValueTask PreStartAsync()
    {
        _child = Context.Spawn(executor, ChildName);
        return default;
    }

    /// <inheritdoc />
    protected override ValueTask OnReceiveAsync(ExecutorCommand message)
    {
        // The first recovery at start-up has not failed: asks wait for it in the child's mailbox, as before any failure.
        var state = availability.Current;
        if (state is { IsAvailable: false, Failures: > 0 } && TryFailAsk(message, new ExecutorUnavailableException(
                $"The autonomy executor is unavailable: {state.Reason} (since {state.Since:O}). Nothing was decided; retry shortly.")))
        {
            return default;
        }

        _child!.Tell(message);
        return default;
    }
}
