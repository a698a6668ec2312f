using System.Net;
using System.Text.Json.Nodes;
using NerfEngine.Control.Scenarios;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>A fresh node whose Mcp:PcapDirectory does not exist yet creates it, so ingest_pcap works as the README shows.</summary>
public sealed class IngestPcapDirectoryTests
{
    [Fact]
    public async Task A_missing_capture_directory_is_created_at_start_and_ingest_pcap_reads_files_put_there()
    {
        var parent = Directory.CreateTempSubdirectory("nerf-pcapdir-").FullName;
        var captures = Path.Combine(parent, "fresh", "pcap");
        try
        {
            await using var host = await McpTestHost.StartAsync(s => s["Mcp:PcapDirectory"] = captures);
            using var http = new McpHttp(host.Url);

            Assert.True(Directory.Exists(captures), "the node did not create Mcp:PcapDirectory at start");
            ScenarioCatalog.Write("vertical-scan", 7, Path.Combine(captures, "scan.pcap"), withBackground: false);
            var reply = await http.CallToolAsync("ingest_pcap", new JsonObject { ["path"] = "scan.pcap" }, McpTestHost.OperatorToken);
            Assert.True(reply.Status == HttpStatusCode.OK && !reply.IsToolError, reply.Body);
            Assert.Equal("scan.pcap", reply.Structured!["job"]!["path"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
