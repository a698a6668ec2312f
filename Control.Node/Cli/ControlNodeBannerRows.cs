using System.Globalization;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Control.Mcp;
using NerfEngine.Shared.Fabric.Hosting;

namespace NerfEngine.Control.Cli;

/// <summary>
/// What a new user of <c>Control.Node run</c> needs next to the management URL: the MCP endpoint and how many agents may
/// call it (none: every call is refused with 401), and the eve-streamer gRPC ingress's address when it is enabled.
/// </summary>
internal sealed class ControlNodeBannerRows(McpOptions mcp, EveStreamerListener eveStreamer) : INodeBannerRows
{
    public IEnumerable<NodeBannerRow> Rows(string managementUrl)
    {
        var agents = mcp.Agents.Count switch
        {
            0 => "no agents configured, so every call gets 401; add them under Mcp:Agents",
            1 => "1 agent configured",
            var n => string.Create(CultureInfo.InvariantCulture, $"{n} agents configured"),
        };
        yield return new NodeBannerRow("mcp", $"{managementUrl.TrimEnd('/')}{mcp.Path} ({agents})");
        if (eveStreamer.Enabled)
        {
            var where = eveStreamer.EndPoint?.ToString() ?? "not listening";
            yield return new NodeBannerRow("eve-streamer gRPC", $"{where} (h2c, cleartext; Ingress:EveStreamer)");
        }
    }
}
