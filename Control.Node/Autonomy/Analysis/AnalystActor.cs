using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Shared.Fabric.Actors;

namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>The analyst actor's protocol.</summary>
public abstract record AnalystCommand;

/// <summary>Analyse one alert; the verdict is replied when <paramref name="ReplyTo"/> is given.</summary>
public sealed record AnalyseAlert(AlertSignal Alert, IActorRef<AnalystVerdict>? ReplyTo = null) : AnalystCommand;

/// <summary>The analyst's counts.</summary>
public sealed record GetAnalystActivity(IActorRef<AnalystActivity> ReplyTo) : AnalystCommand;

/// <summary>
/// Hosts the observe-only <see cref="Analyst"/> and forwards its proposals to the executor. It holds only a
/// <see cref="ProposalIntake"/> reference: it can propose and report its activity, never execute, never promote.
/// The executor's decisions on its proposals go to <paramref name="decisions"/> when given (a host's tally), never
/// back to the analyst.
/// </summary>
public sealed class AnalystActor(Analyst analyst, IActorRef<ProposalIntake> executor, IActorRef<Decision>? decisions = null) : Actor<AnalystCommand>
{
    /// <summary>Props for spawning; <paramref name="decisions"/> receives the executor's decision on each proposal.</summary>
    public static Props<AnalystCommand> Props(
        AutonomyOptions options, IActorRef<ProposalIntake> executor, TimeProvider time, IActorRef<Decision>? decisions = null) =>
        Shared.Fabric.Actors.Props.Create(() => new AnalystActor(new Analyst(options, time), executor, decisions));

    /// <inheritdoc />
    protected override ValueTask OnReceiveAsync(AnalystCommand message)
    {
        switch (message)
        {
            case AnalyseAlert analyse:
                var verdict = analyst.Analyse(analyse.Alert);
                foreach (var proposal in verdict.Proposals)
                {
                    executor.Tell(new Propose(proposal, decisions));
                }

                executor.Tell(new ReportAnalystActivity(analyst.Activity));
                analyse.ReplyTo?.Tell(verdict);
                break;
            case GetAnalystActivity get:
                get.ReplyTo.Tell(analyst.Activity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(message), message, "Unknown analyst command.");
        }

        return default;
    }
}
