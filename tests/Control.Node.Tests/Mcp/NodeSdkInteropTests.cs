using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;
using NerfEngine.Tests.ControlNode.Support;
using Xunit.Abstractions;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary>
/// An independent client — npm's @modelcontextprotocol/sdk (Client + StreamableHTTPClientTransport) in
/// tests/interop/mcp — lists the tools and calls several against a real node, checking structuredContent
/// against each outputSchema.
/// </summary>
public sealed class NodeSdkInteropTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_official_typescript_sdk_lists_and_calls_tools_and_accepts_every_structured_result()
    {
        var script = Path.Combine(ExternalProcess.RepoRoot(), "tests", "interop", "mcp");
        await using var host = await McpTestHost.StartAsync();
        await host.SeedAsync();
        await ExternalProcess.NpmCiAsync(script, Path.Combine("@modelcontextprotocol", "sdk"));

        var run = await ExternalProcess.RunAsync(script, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["MCP_URL"] = host.Url.ToString(), ["MCP_TOKEN"] = McpTestHost.AdminToken },
            "node", "client.mjs");
        output.WriteLine(run.Stdout);
        Assert.True(run.ExitCode == 0, $"interop client failed: {run.Stdout}\n{run.Stderr}");
        var report = JsonNode.Parse(run.Stdout.Trim().Split('\n')[^1])!;
        Assert.True(report["ok"]!.GetValue<bool>());
        Assert.Equal(host.Registry.Descriptors.Count, report["tools_listed"]!.GetValue<int>());
        Assert.True(report["calls"]!.AsArray().Count >= 15, run.Stdout);
    }
}
