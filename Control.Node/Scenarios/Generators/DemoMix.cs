using static NerfEngine.Control.Scenarios.ScenarioContext;

namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>
/// The bundled demo: 30 s of browsing background with a vertical scan, a synchronised botnet
/// fan-in, lateral movement and a rotating botnet at staggered onsets, plus a benign flash crowd.
/// </summary>
public sealed class DemoMix : IScenario
{
    public string Name => "demo";
    public string Description => "30 s mix: scan, botnet fan-in, lateral movement, rotating botnet, flash crowd, background";
    public bool Benign => false;

    public void Generate(ScenarioContext ctx)
    {
        ctx.EndNs = ctx.StartNs + 30 * Second;
        (IScenario Scenario, long OffsetNs)[] plan =
        [
            (new VerticalScan(), 3 * Second),
            (new BotnetFanIn(), 8 * Second),
            (new FlashCrowd(), 11 * Second),
            (new LateralMovement(), 14 * Second),
            (new RotatingBotnet(), 19 * Second),
        ];
        foreach (var (scenario, offset) in plan)
        {
            ctx.OnsetNs = ctx.StartNs + offset;
            scenario.Generate(ctx);
        }
    }
}
