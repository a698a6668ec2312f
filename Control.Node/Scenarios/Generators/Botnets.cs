using System.Net;
using static NerfEngine.Control.Scenarios.ScenarioContext;

namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>
/// Synchronised botnet fan-in: 150 bots from diverse networks open connections to one web
/// server inside 180 ms, on a shared clock (1.2 ms apart, ±10 µs jitter).
/// </summary>
public sealed class BotnetFanIn : IScenario
{
    public string Name => "botnet-fanin";
    public string Description => "150 bots hit one web server inside 180 ms with near-identical spacing";
    public bool Benign => false;

    public void Generate(ScenarioContext ctx)
    {
        var target = Internal(0, 80);
        var bots = ctx.DistinctExternal(150);
        var t = ctx.OnsetNs;
        for (var i = 0; i < bots.Count; i++)
        {
            var at = ctx.OnsetNs + i * 1_200 * Microsecond + ctx.Random.Next(-10, 11) * Microsecond;
            ctx.Traffic.TcpSession(Math.Max(ctx.OnsetNs, at), bots[i], target, 80, 20 * Millisecond);
            t = Math.Max(t, at);
        }
        ctx.Attack("botnet_coordination", ctx.OnsetNs, t, bots, $"{target}:80/tcp");
    }
}

/// <summary>
/// Rotating botnet: waves of 60 fresh bots every 2 s hit the same service; each wave arrives on a
/// shared clock (5 ms apart) and is replaced by the next, so no single source stays long.
/// </summary>
public sealed class RotatingBotnet : IScenario
{
    public string Name => "rotating-botnet";
    public string Description => "waves of 60 fresh bots every 2 s against one HTTPS service";
    public bool Benign => false;

    public const int Waves = 4, BotsPerWave = 60;

    public void Generate(ScenarioContext ctx)
    {
        var target = Internal(0, 44);
        var all = new List<IPAddress>();
        var end = ctx.OnsetNs;
        for (var w = 0; w < Waves; w++)
        {
            var waveStart = ctx.OnsetNs + w * 2 * Second;
            var bots = ctx.DistinctExternal(BotsPerWave);
            for (var i = 0; i < bots.Count; i++)
            {
                var at = waveStart + i * 5 * Millisecond + ctx.Random.Next(-20, 21) * Microsecond;
                ctx.Traffic.TcpSession(Math.Max(waveStart, at), bots[i], target, 443, 25 * Millisecond);
                end = Math.Max(end, at);
            }
            all.AddRange(bots);
        }
        ctx.Attack("rotating_botnet", ctx.OnsetNs, end, all, $"{target}:443/tcp");
    }
}
