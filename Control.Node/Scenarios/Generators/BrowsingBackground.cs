namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>
/// Ordinary office traffic: internal clients resolve names at the internal resolver and open
/// HTTPS/HTTP sessions to a handful of external sites each, at human pace.
/// </summary>
public sealed class BrowsingBackground : IScenario
{
    public string Name => "browsing";
    public string Description => "mixed browsing background: 30 clients, DNS lookups, HTTPS/HTTP sessions";
    public bool Benign => true;

    private const int Clients = 30;
    private const int Sites = 80;

    public void Generate(ScenarioContext ctx)
    {
        var resolver = ScenarioContext.Internal(0, 53);
        var sites = ctx.DistinctExternal(Sites);
        for (var c = 0; c < Clients; c++)
        {
            var client = ScenarioContext.Internal(20, 10 + c);
            var t = ctx.StartNs + ctx.PoissonGap(ScenarioContext.Second);
            while (t < ctx.EndNs - ScenarioContext.Second / 2)
            {
                var site = sites[ctx.Random.Next(sites.Count)];
                ctx.Traffic.UdpExchange(t, client, resolver, 53, 800 * ScenarioContext.Microsecond, 40, 120);
                var rtt = ctx.InternetRtt();
                ctx.Traffic.TcpSession(t + 2 * ScenarioContext.Millisecond, client, site, ctx.Random.Next(4) == 0 ? (ushort)80 : (ushort)443,
                    rtt, exchanges: ctx.Random.Next(1, 4), responseBytes: ctx.Random.Next(400, 1400));
                t += ctx.PoissonGap(1200 * ScenarioContext.Millisecond);
            }
        }
    }
}
