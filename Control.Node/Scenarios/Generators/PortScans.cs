using static NerfEngine.Control.Scenarios.ScenarioContext;

namespace NerfEngine.Control.Scenarios.Generators;

/// <summary>Vertical scan: one external host probes 600 ports of one internal server, ~250 probes/s.</summary>
public sealed class VerticalScan : IScenario
{
    public string Name => "vertical-scan";
    public string Description => "one external host SYN-probes 600 ports of one internal server";
    public bool Benign => false;

    public void Generate(ScenarioContext ctx)
    {
        var scanner = ctx.External();
        var target = Internal(0, 20);
        var ports = Enumerable.Range(1, 1024).OrderBy(_ => ctx.Random.Next()).Take(600).ToArray();
        var sport = ctx.Traffic.EphemeralPort();
        var t = ctx.OnsetNs;
        foreach (var port in ports)
        {
            ctx.Traffic.SynProbe(t, scanner, target, sport, (ushort)port, open: port is 22 or 80 or 443, ctx.InternetRtt());
            t += 4 * Millisecond + ctx.Random.Next(0, 200) * Microsecond;
        }
        ctx.Attack("scanner", ctx.OnsetNs, t, [scanner], target.ToString());
    }
}

/// <summary>Horizontal scan: one external host probes SMB (445/tcp) on every host of an internal /24.</summary>
public sealed class HorizontalScan : IScenario
{
    public string Name => "horizontal-scan";
    public string Description => "one external host SYN-probes 445/tcp across 254 internal hosts";
    public bool Benign => false;

    public void Generate(ScenarioContext ctx)
    {
        var scanner = ctx.External();
        var t = ctx.OnsetNs;
        foreach (var host in Enumerable.Range(1, 254).OrderBy(_ => ctx.Random.Next()))
        {
            ctx.Traffic.SynProbe(t, scanner, Internal(30, host), ctx.Traffic.EphemeralPort(), 445, open: host % 17 == 0, ctx.InternetRtt());
            t += 6 * Millisecond + ctx.Random.Next(0, 300) * Microsecond;
        }
        ctx.Attack("scanner", ctx.OnsetNs, t, [scanner], "10.10.30.0/24:445/tcp");
    }
}

/// <summary>
/// Lateral movement: a compromised internal workstation sweeps internal servers on admin
/// services (SMB, RDP, SSH, WinRM), completing sessions where the service answers.
/// </summary>
public sealed class LateralMovement : IScenario
{
    public string Name => "lateral";
    public string Description => "internal workstation fans out to 40 internal hosts on 445/3389/22/5985";
    public bool Benign => false;

    private static readonly ushort[] AdminPorts = [445, 3389, 22, 5985];

    public void Generate(ScenarioContext ctx)
    {
        var pivot = Internal(20, 77);
        var t = ctx.OnsetNs;
        var targets = Enumerable.Range(1, 40).Select(h => Internal(40, h)).ToArray();
        foreach (var target in targets)
        {
            var port = AdminPorts[ctx.Random.Next(AdminPorts.Length)];
            if (ctx.Random.Next(3) == 0)
                ctx.Traffic.TcpSession(t, pivot, target, port, 400 * Microsecond, exchanges: 2);
            else
                ctx.Traffic.SynProbe(t, pivot, target, ctx.Traffic.EphemeralPort(), port, open: false, 400 * Microsecond);
            t += 15 * Millisecond + ctx.Random.Next(0, 2_000) * Microsecond;
        }
        ctx.Attack("lateral", ctx.OnsetNs, t, [pivot], targets.Select(a => a.ToString()).ToArray());
    }
}
