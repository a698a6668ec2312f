using static NerfEngine.Control.Scenarios.ScenarioContext;

namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>
/// Flash crowd on a CDN edge: 1,500 independent clients arrive as a Poisson process (~250/s) over
/// 6 s. As many sources as a botnet, but unsynchronised: must not be called a botnet.
/// </summary>
public sealed class FlashCrowd : IScenario
{
    public string Name => "flash-crowd";
    public string Description => "1,500 independent clients (Poisson arrivals) hit one CDN edge over 6 s";
    public bool Benign => true;

    public void Generate(ScenarioContext ctx)
    {
        var edge = Internal(0, 90);
        var t = ctx.OnsetNs;
        foreach (var client in ctx.DistinctExternal(1500))
        {
            t += ctx.PoissonGap(4 * Millisecond);
            ctx.Traffic.TcpSession(t, client, edge, 443, ctx.InternetRtt(), responseBytes: 1400);
        }
    }
}

/// <summary>Internal DNS resolver with 400 clients querying at independent times.</summary>
public sealed class DnsServer : IScenario
{
    public string Name => "dns-server";
    public string Description => "internal resolver answering 400 clients (independent query times)";
    public bool Benign => true;

    public void Generate(ScenarioContext ctx)
    {
        var resolver = Internal(0, 53);
        var t = ctx.StartNs;
        while (t < ctx.EndNs - Second / 2)
        {
            t += ctx.PoissonGap(8 * Millisecond);
            var client = Internal(50 + ctx.Random.Next(2), 1 + ctx.Random.Next(200));
            ctx.Traffic.UdpExchange(t, client, resolver, 53, 600 * Microsecond, 45, 160);
        }
    }
}

/// <summary>Internal NTP server polled by 300 clients, each at its own phase.</summary>
public sealed class NtpServer : IScenario
{
    public string Name => "ntp-server";
    public string Description => "internal NTP server polled by 300 clients at independent phases";
    public bool Benign => true;

    public void Generate(ScenarioContext ctx)
    {
        var server = Internal(0, 123);
        for (var c = 0; c < 300; c++)
        {
            var client = Internal(60 + c / 200, 1 + c % 200);
            var phase = (long)(ctx.Random.NextDouble() * 8 * Second);
            for (var t = ctx.StartNs + phase; t < ctx.EndNs - Second / 2; t += 16 * Second)
                ctx.Traffic.UdpExchange(t, client, server, 123, 500 * Microsecond, 48, 48);
        }
    }
}
