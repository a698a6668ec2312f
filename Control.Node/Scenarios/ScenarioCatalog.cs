using NerfEngine.Control.Scenarios.Generators;

namespace NerfEngine.Control.Scenarios;

/// <summary>The labelled scenario corpus: every attack and benign scenario by name.</summary>
public static class ScenarioCatalog
{
    public static readonly IReadOnlyList<IScenario> All =
    [
        new VerticalScan(), new HorizontalScan(), new LateralMovement(), new BotnetFanIn(), new RotatingBotnet(),
        new FlashCrowd(), new DnsServer(), new NtpServer(), new BrowsingBackground(), new DemoMix(),
    ];

    public static IEnumerable<IScenario> Attacks => All.Where(s => !s.Benign);

    public static IEnumerable<IScenario> BenignScenarios => All.Where(s => s.Benign);

    public static IScenario Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");

    /// <summary>
    /// Generates a scenario (embedded in browsing background unless disabled) and writes the pcap
    /// and its FILE.truth.json sidecar. Same name and seed → byte-identical files.
    /// </summary>
    public static GroundTruth Write(string name, int seed, string pcapPath, bool withBackground = true)
    {
        var scenario = Get(name);
        var ctx = new ScenarioContext(seed, withBackground);
        scenario.Generate(ctx);
        if (withBackground && scenario is not BrowsingBackground) new BrowsingBackground().Generate(ctx);
        var packets = ctx.Traffic.WritePcap(pcapPath);
        var truth = new GroundTruth(scenario.Name, seed, scenario.Benign, ctx.StartNs, ctx.EndNs, packets, ctx.Attacks);
        truth.Write(pcapPath);
        return truth;
    }
}
