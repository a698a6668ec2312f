using System.Text.Json;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>Shared proposals, states and clocks of the autonomy scenarios.</summary>
internal static class AutonomyTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static AutonomyOptions Options { get; } = new();

    public static DecisionEngine Engine(AutonomyOptions? options = null) => new(options ?? Options);

    /// <summary>A valid reinforce_edge proposal by the analyst.</summary>
    public static Proposal Reinforce(double confidence = 0.9, string edge = "e-42", string proposer = "analyst") =>
        Proposal.Create(MutationToolNames.ReinforceEdge, Args($$"""{"edge_id":"{{edge}}","weight":1.0}"""), confidence, "test: reinforce", proposer, T0);

    public static Proposal Prune(double minWeight = 0.05, double confidence = 0.9) =>
        Proposal.Create(MutationToolNames.PruneBelowWeight, Args($$"""{"min_weight":{{minWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"""), confidence, "test: prune", "analyst", T0);

    public static Proposal Tool(string tool, string args = "{}", double confidence = 0.9) =>
        Proposal.Create(tool, Args(args), confidence, "test", "analyst", T0);

    public static JsonElement Args(string json) => Proposal.ParseArguments(json);

    /// <summary>A fresh state in <paramref name="phase"/> with <paramref name="trust"/>.</summary>
    public static ExecutorState State(AutonomyPhase phase, double trust = 0.5, AutonomyOptions? options = null) =>
        ExecutorState.Initial(options ?? Options) with { Phase = phase, ExecutorTrust = trust };

    /// <summary>Folds <paramref name="events"/> with the default limits, as recovery would.</summary>
    public static ExecutorState Fold(ExecutorState state, IEnumerable<ExecutorEvent> events, AutonomyOptions? options = null)
    {
        var limits = ExecutorStateLimits.From(options ?? Options);
        return events.Aggregate(state, (s, e) => ExecutorStateFold.Apply(s, e, limits));
    }

    public static DecisionContext Context(StabilitySignals? stability = null, DriftSignals? drift = null, AnalystActivity? analyst = null) =>
        new(stability ?? StabilitySignals.Calm, drift ?? DriftSignals.None, analyst ?? AnalystActivity.None);
}

/// <summary>A tool invoker that counts calls and the most calls ever in flight at once.</summary>
internal sealed class CountingToolInvoker(Func<int, ToolInvocationResult>? script = null) : IToolInvoker
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    public int Calls => Volatile.Read(ref _calls);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public List<string> Tools { get; } = [];

    public async ValueTask<ToolInvocationResult> InvokeAsync(string tool, JsonElement args, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        lock (Tools)
        {
            Tools.Add(tool);
        }

        try
        {
            await Task.Yield();
            return script?.Invoke(call) ?? ToolInvocationResult.Success($"{tool} done");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
