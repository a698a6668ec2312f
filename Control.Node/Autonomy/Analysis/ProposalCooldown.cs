using System.Globalization;
using System.Text.Json;

namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>
/// The analyst's memory of what it proposed lately, so it does not ask twice for the same change. A proposal is held
/// back when it is
/// <list type="bullet">
/// <item>a repeat: the same tool with the same arguments was proposed less than the cool-down ago — still pending or just
/// decided (the analyst is never told which, by design);</item>
/// <item>already in effect: a set_decay_lambda to the rate the graph already has.</item>
/// </list>
/// Repeats would spend the executor's budget on nothing, hit the tool's rate limit (which lowers the executor's trust)
/// and count toward the oscillation gate. Not thread-safe: owned by the analyst.
/// </summary>
/// <param name="cooldown">How long an identical proposal counts as a repeat; zero remembers nothing (in-effect checks still apply).</param>
public sealed class ProposalCooldown(TimeSpan cooldown)
{
    /// <summary>When each (tool, arguments) was last let through, only entries younger than the cool-down.</summary>
    private readonly Dictionary<string, DateTimeOffset> _lastProposed = new(StringComparer.Ordinal);

    /// <summary>Proposals remembered now (bounded by what was proposed within one cool-down).</summary>
    public int Remembered => _lastProposed.Count;

    /// <summary>
    /// Why <paramref name="proposal"/> should be held back, or null when it should go out (it is then remembered as
    /// proposed at <paramref name="now"/>).
    /// </summary>
    public string? Check(Proposal proposal, AlertSignal alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(alert);
        if (AlreadyInEffect(proposal, alert) is { } inEffect)
        {
            return inEffect;
        }

        if (cooldown <= TimeSpan.Zero)
        {
            return null;
        }

        ForgetOlderThan(now - cooldown);
        var key = proposal.Tool + " " + proposal.Arguments.GetRawText();
        if (_lastProposed.TryGetValue(key, out var last))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{key} repeats a proposal of {(now - last).TotalSeconds:0.#} s ago (cool-down {cooldown.TotalSeconds:0.#} s)");
        }

        _lastProposed[key] = now;
        return null;
    }

    /// <summary>A proposal that would leave the graph as it is, judged by what the alert saw.</summary>
    private static string? AlreadyInEffect(Proposal proposal, AlertSignal alert)
    {
        if (proposal.Tool == MutationToolNames.SetDecayLambda
            && alert.DecayLambdaPerSecond is { } current
            && proposal.Arguments.ValueKind == JsonValueKind.Object
            && proposal.Arguments.TryGetProperty(MutationToolNames.LambdaArgument, out var wanted)
            && wanted.TryGetDouble(out var lambda)
            && lambda == current)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{MutationToolNames.SetDecayLambda} {lambda} is already in effect");
        }

        return null;
    }

    private void ForgetOlderThan(DateTimeOffset horizon)
    {
        foreach (var (key, at) in _lastProposed)
        {
            if (at <= horizon)
            {
                _lastProposed.Remove(key); // removal while enumerating is allowed for Dictionary since .NET Core 3.0
            }
        }
    }
}
