using System.Diagnostics;
using System.Text.Json.Nodes;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Tests.ControlNode.Mcp;

/// <summary><c>Control.Node mcp --stdio --agent NAME</c> run as a client would spawn it: stdout carries only JSON-RPC.</summary>
public sealed class StdioTransportTests
{
    [Fact]
    public async Task Stdio_server_lists_the_agents_tools_calls_one_and_audits_it_with_nothing_but_json_rpc_on_stdout()
    {
        var directory = Directory.CreateTempSubdirectory("nerf-mcp-stdio-").FullName;
        var journal = Path.Combine(directory, "journal.db");
        var dll = Path.Combine(AppContext.BaseDirectory, "Control.Node.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "mcp", "--stdio", "--agent", "watcher",
                     "--set", $"Persistence:ConnectionString=Data Source={journal}",
                     "--set", "Mcp:Agents:0:Name=watcher", "--set", "Mcp:Agents:0:Token=unused-on-stdio", "--set", "Mcp:Agents:0:Mode=observe",
                     "--set", $"Mcp:PcapDirectory={directory}",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        async Task Send(string json)
        {
            await process.StandardInput.WriteLineAsync(json);
            await process.StandardInput.FlushAsync();
        }

        async Task<JsonObject> Receive()
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                       ?? throw new Xunit.Sdk.XunitException($"stdout closed; stderr: {await stderr}");
            return JsonNode.Parse(line) as JsonObject ?? throw new Xunit.Sdk.XunitException($"not JSON-RPC on stdout: {line}");
        }

        try
        {
            await Send("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""");
            var init = await Receive();
            Assert.Equal("nerf-control", init["result"]!["serverInfo"]!["name"]!.GetValue<string>());
            await Send("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await Send("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            var tools = (await Receive())["result"]!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("query_scope_stats", tools);
            Assert.DoesNotContain("decay_now", tools); // observe mode
            await Send("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"query_scope_stats","arguments":{}}}""");
            var call = await Receive();
            Assert.Equal(0, call["result"]!["structuredContent"]!["edges"]!.GetValue<int>());
            await Send("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"decay_now","arguments":{}}}""");
            var refused = await Receive();
            Assert.True(refused["result"]!["isError"]!.GetValue<bool>());
        }
        finally
        {
            process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, await stderr);
        await using (var store = await PersistenceFactory.OpenJournalAsync(new PersistenceOptions { ConnectionString = $"Data Source={journal}" }))
        {
            var records = new List<AuditRecord>();
            await foreach (var e in store.ReadEventsAsync("registry-audit"))
            {
                records.Add(AuditRecord.FromPayload(e.Payload.Span));
            }

            Assert.Contains(records, r => r.Transport == "stdio" && r.Agent == "watcher" && r.Tool == "query_scope_stats" && r.Outcome == AuditOutcomes.Ok);
            Assert.Contains(records, r => r.Transport == "stdio" && r.Tool == "decay_now" && r.Outcome == AuditOutcomes.ModeNotPermitted);
        }

        Directory.Delete(directory, recursive: true);
    }
}
