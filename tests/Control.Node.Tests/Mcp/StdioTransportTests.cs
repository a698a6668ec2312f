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
        using var process = StartStdio(directory, "watcher", "observe");
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
    [Fact]
    public async Task Requests_piped_in_before_stdin_closes_are_all_answered_before_the_process_exits()
    {
        var directory = Directory.CreateTempSubdirectory("nerf-mcp-stdio-").FullName;
        using var process = StartStdio(directory, "ops", "mutate");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // What `printf '<initialize>\n<tools/call>\n…' | Control.Node mcp --stdio` does: write everything, close stdin at once.
        // The last line has no newline, as `printf '%s'` would leave it.
        await process.StandardInput.WriteAsync(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"printf","version":"1"}}}""" + "\n" +
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n" +
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"query_scope_stats","arguments":{}}}""" + "\n" +
            """{"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"propose","arguments":{"tool":"decay_now","confidence":0.9,"justification":"test"}}}""");
        process.StandardInput.Close();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"mcp --stdio did not exit after stdin closed; stderr: {await stderr}");
            }
        }

        Assert.True(process.ExitCode == 0, await stderr);
        // Answers come in the order the calls finish; each carries its request's id.
        var replies = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())
            .ToDictionary(r => r["id"]!.ToJsonString());
        Assert.Equal(["\"three\"", "1", "2"], replies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("nerf-control", replies["1"]["result"]!["serverInfo"]!["name"]!.GetValue<string>());
        Assert.Equal(0, replies["2"]["result"]!["structuredContent"]!["edges"]!.GetValue<int>());
        // The executor lives in the serving node; stdio says where to go instead of a bare "not running".
        var propose = replies["\"three\""]["result"]!;
        Assert.True(propose["isError"]!.GetValue<bool>());
        var error = JsonNode.Parse(propose["content"]![0]!["text"]!.GetValue<string>())!["error"]!;
        Assert.Equal("UNAVAILABLE", error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains("HTTP MCP endpoint", message);
        Assert.Contains("Control.Node run", message);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Spawns <c>Control.Node mcp --stdio</c> as a client would, for one agent, with its journal in <paramref name="directory"/>.</summary>
    private static Process StartStdio(string directory, string agent, string mode)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Control.Node.dll"), "mcp", "--stdio", "--agent", agent,
                     "--set", $"Persistence:ConnectionString=Data Source={Path.Combine(directory, "journal.db")}",
                     "--set", $"Mcp:Agents:0:Name={agent}", "--set", "Mcp:Agents:0:Token=unused-on-stdio", "--set", $"Mcp:Agents:0:Mode={mode}",
                     "--set", $"Mcp:PcapDirectory={directory}",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi)!;
    }
}
