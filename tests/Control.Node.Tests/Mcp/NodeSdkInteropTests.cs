using System.Diagnostics;
using System.Text.Json.Nodes;
using NerfEngine.Tests.ControlNode.Mcp.Support;
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
        var script = Path.Combine(RepoRoot(), "tests", "interop", "mcp");
        await using var host = await McpTestHost.StartAsync();
        await host.SeedAsync();

        if (!Directory.Exists(Path.Combine(script, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            var install = await RunAsync(script, TimeSpan.FromMinutes(5), null, "npm", "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, $"npm ci failed: {install.Stderr}");
        }

        var run = await RunAsync(script, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["MCP_URL"] = host.Url.ToString(), ["MCP_TOKEN"] = McpTestHost.AdminToken },
            "node", "client.mjs");
        output.WriteLine(run.Stdout);
        Assert.True(run.ExitCode == 0, $"interop client failed: {run.Stdout}\n{run.Stderr}");
        var report = JsonNode.Parse(run.Stdout.Trim().Split('\n')[^1])!;
        Assert.True(report["ok"]!.GetValue<bool>());
        Assert.Equal(host.Registry.Descriptors.Count, report["tools_listed"]!.GetValue<int>());
        Assert.True(report["calls"]!.AsArray().Count >= 15, run.Stdout);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NerfEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"NerfEngine.sln not found above {AppContext.BaseDirectory}");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string directory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
