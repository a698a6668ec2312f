using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Fabric.Metrics;
using NerfEngine.Tests.ControlNode.LiveIngest.Support;
using NerfEngine.Tests.ControlNode.Mcp.Support;

namespace NerfEngine.Tests.ControlNode.LiveIngest;

/// <summary>connect_stream against a real Kestrel WebSocket server streaming eve JSON, a plain HTTP page and a closed port.</summary>
public sealed class ConnectStreamTests
{
    private static Task<McpTestHost> StartHostAsync(int maxStreams = LiveIngestOptions.DefaultMaxStreams) => McpTestHost.StartAsync(s =>
    {
        s["LiveIngest:MaxStreams"] = maxStreams.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s["LiveIngest:StreamTokens:sensor-a"] = EveStreamServer.Token;
        s["LiveIngest:StreamTokens:stale"] = "not-the-token";
        s["LiveIngest:ReconnectMinBackoff"] = "00:00:00.050";
        s["LiveIngest:ReconnectMaxBackoff"] = "00:00:00.200";
        s["LiveIngest:HandshakeTimeout"] = "00:00:05";
    });

    private static JsonObject Connect(Uri url, string credential = "sensor-a", string? name = null)
    {
        var args = new JsonObject { ["url"] = url.ToString(), ["credential"] = credential };
        if (name is not null) args["name"] = name;
        return args;
    }

    private static async Task<JsonObject> StreamAsync(McpHttp http, string name) =>
        (await http.CallToolAsync("list_streams", null, McpTestHost.ObserverToken)).Structured!["streams"]!.AsArray()
            .Single(s => s!["name"]!.GetValue<string>() == name)!.AsObject();

    [Fact]
    public async Task Events_streamed_as_eve_json_arrive_in_the_queue_and_bad_messages_are_counted()
    {
        await using var server = await EveStreamServer.StartAsync(async (socket, _, ct) =>
        {
            await EveStreamServer.SendAsync(socket, EveStreamServer.Flow(1), ct);
            await EveStreamServer.SendAsync(socket, EveStreamServer.Flow(2) + "\n" + EveStreamServer.Flow(3) + "\r\n\n", ct);
            await EveStreamServer.SendAsync(socket, "{\"event_type\": not json", ct);
            await EveStreamServer.SendAsync(socket, "[1, 2, 3]", ct);
            await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, ct);
            await EveStreamServer.HoldAsync(socket, ct);
        });
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);

        var reply = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, name: "sensor-a-eve"), McpTestHost.AdminToken);
        var stream = reply.Structured?["stream"] ?? throw new Xunit.Sdk.XunitException(reply.Body);
        Assert.Equal("connected", stream["state"]!.GetValue<string>());
        Assert.Equal(server.StreamUrl.ToString(), stream["endpoint"]!.GetValue<string>());

        await Eventually.HoldsAsync(async () => (await StreamAsync(http, "sensor-a-eve"))["messages"]!.GetValue<long>() == 5, "five messages read");
        var status = await StreamAsync(http, "sensor-a-eve");
        Assert.Equal(3, status["events"]!.GetValue<long>());
        Assert.Equal(3, status["queued"]!.GetValue<long>());
        Assert.Equal(1, status["bad_json"]!.GetValue<long>());
        Assert.Equal(1, status["invalid_events"]!.GetValue<long>());
        Assert.Equal(1, status["non_text"]!.GetValue<long>());
        Assert.True(status["connected"]!.GetValue<bool>());

        var queue = host.Services.GetRequiredService<LiveIngestQueue>();
        Assert.Equal(3, queue.Depth);
        Assert.All(queue.PeekFront(10), e => Assert.Equal("ws:sensor-a-eve", e.Event.Source));
        Assert.Equal(["1", "2", "3"], queue.PeekFront(10).Select(e => e.Event.EventId));

        var stopped = (await http.CallToolAsync("disconnect_stream", new JsonObject { ["name"] = "sensor-a-eve" }, McpTestHost.AdminToken)).Structured!["stream"]!;
        Assert.Equal("stopped", stopped["state"]!.GetValue<string>());
        Assert.Empty((await http.CallToolAsync("list_streams", null, McpTestHost.ObserverToken)).Structured!["streams"]!.AsArray());
        var missing = await http.CallToolAsync("disconnect_stream", new JsonObject { ["name"] = "sensor-a-eve" }, McpTestHost.AdminToken);
        Assert.Equal("NOT_FOUND", missing.ToolError?["code"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_token_reports_the_servers_401_and_keeps_nothing()
    {
        await using var server = await EveStreamServer.StartAsync((socket, _, ct) => EveStreamServer.HoldAsync(socket, ct));
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);

        var reply = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, credential: "stale"), McpTestHost.AdminToken);
        Assert.Equal("STREAM_UNAUTHORIZED", reply.ToolError?["code"]?.GetValue<string>());
        var message = reply.ToolError!["message"]!.GetValue<string>();
        Assert.Contains("refused the token: HTTP 401 Unauthorized instead of 101 Switching Protocols", message);
        Assert.DoesNotContain("not-the-token", reply.Body);
        Assert.Equal(0, server.Connections);
        Assert.Empty((await http.CallToolAsync("list_streams", null, McpTestHost.ObserverToken)).Structured!["streams"]!.AsArray());
        Assert.DoesNotContain(await host.AuditAsync(), r => r.Params?.Contains("not-the-token", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_plain_http_page_answering_400_is_reported_as_not_a_websocket_stream()
    {
        await using var server = await EveStreamServer.StartAsync((socket, _, ct) => EveStreamServer.HoldAsync(socket, ct));
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);

        var reply = await http.CallToolAsync("connect_stream", Connect(server.PageUrl), McpTestHost.AdminToken);
        Assert.Equal("NOT_A_WEBSOCKET", reply.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("not a WebSocket stream", reply.ToolError!["message"]!.GetValue<string>());
        Assert.Contains("HTTP 400 Bad Request instead of 101 Switching Protocols", reply.ToolError!["message"]!.GetValue<string>());
        Assert.False(reply.ToolError!["retryable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_wss_url_for_a_plain_ws_endpoint_says_the_tls_handshake_failed_and_suggests_ws()
    {
        await using var server = await EveStreamServer.StartAsync((socket, _, ct) => EveStreamServer.HoldAsync(socket, ct));
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);
        var wss = new UriBuilder(server.StreamUrl) { Scheme = "wss" }.Uri;

        var reply = await http.CallToolAsync("connect_stream", Connect(wss), McpTestHost.AdminToken);

        Assert.Equal("UNAVAILABLE", reply.ToolError?["code"]?.GetValue<string>());
        var message = reply.ToolError!["message"]!.GetValue<string>();
        Assert.Contains($"could not reach {wss}: TLS handshake failed — is this a plain ws:// endpoint? If so, use {server.StreamUrl}", message);
        Assert.Equal(0, server.Connections); // no WebSocket was ever accepted
    }

    [Fact]
    public async Task A_closed_port_is_unavailable_and_retryable_and_bad_arguments_never_dial()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);

        var closed = await http.CallToolAsync("connect_stream", Connect(new Uri($"ws://127.0.0.1:{port}/eve")), McpTestHost.AdminToken);
        Assert.Equal("UNAVAILABLE", closed.ToolError?["code"]?.GetValue<string>());
        Assert.True(closed.ToolError!["retryable"]!.GetValue<bool>());
        Assert.Contains($"could not reach ws://127.0.0.1:{port}/eve", closed.ToolError!["message"]!.GetValue<string>());

        var unknown = await http.CallToolAsync("connect_stream", Connect(new Uri("ws://127.0.0.1:1/eve"), credential: "nobody"), McpTestHost.AdminToken);
        Assert.Equal("INVALID_ARGUMENTS", unknown.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("use one of sensor-a, stale", unknown.ToolError!["message"]!.GetValue<string>());
        var scheme = await http.CallToolAsync("connect_stream", new JsonObject { ["url"] = "http://127.0.0.1:1/eve", ["credential"] = "sensor-a" }, McpTestHost.AdminToken);
        Assert.Equal("INVALID_ARGUMENTS", scheme.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("ws:// or wss://", scheme.ToolError!["message"]!.GetValue<string>());
        var observer = await http.CallToolAsync("connect_stream", Connect(new Uri("ws://127.0.0.1:1/eve")), McpTestHost.ObserverToken);
        Assert.Equal("MODE_NOT_PERMITTED", observer.ToolError?["code"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_stream_the_server_drops_reconnects_with_backoff_and_keeps_reading()
    {
        await using var server = await EveStreamServer.StartAsync(async (socket, connection, ct) =>
        {
            await EveStreamServer.SendAsync(socket, EveStreamServer.Flow(connection), ct);
            if (connection == 1)
            {
                await Task.Delay(300, ct); // let the handshake and the event reach the client first
                socket.Abort(); // the server drops the first connection without a close handshake
                return;
            }

            await EveStreamServer.HoldAsync(socket, ct);
        });
        await using var host = await StartHostAsync();
        using var http = new McpHttp(host.Url);

        var connected = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, name: "flaky"), McpTestHost.AdminToken);
        Assert.True(connected.Structured is not null, connected.Body);
        var queue = host.Services.GetRequiredService<LiveIngestQueue>();
        await Eventually.HoldsAsync(() => queue.Depth == 2, "the events of both connections queued");
        await Eventually.HoldsAsync(async () => (await StreamAsync(http, "flaky"))["state"]!.GetValue<string>() == "connected", "connected again");
        var status = await StreamAsync(http, "flaky");
        Assert.Equal(1, status["reconnects"]!.GetValue<long>());
        Assert.Equal(2, server.Connections);
        Assert.Contains("the connection dropped", status["last_error"]!.GetValue<string>());

        // The text GET /metrics serves (the MCP test host maps only /mcp).
        var metrics = host.Services.GetRequiredService<NerfMetrics>().RenderPrometheusText();
        Assert.Contains("nerf_live_stream_reconnects_total{stream=\"flaky\"} 1", metrics);
        Assert.Contains("nerf_live_stream_connected{stream=\"flaky\"} 1", metrics);
    }

    [Fact]
    public async Task A_taken_name_or_a_stream_past_the_limit_is_a_conflict()
    {
        await using var server = await EveStreamServer.StartAsync((socket, _, ct) => EveStreamServer.HoldAsync(socket, ct));
        await using var host = await StartHostAsync(maxStreams: 1);
        using var http = new McpHttp(host.Url);
        var first = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, name: "one"), McpTestHost.AdminToken);
        Assert.True(first.Structured is not null, first.Body);

        var sameName = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, name: "one"), McpTestHost.AdminToken);
        Assert.Equal("CONFLICT", sameName.ToolError?["code"]?.GetValue<string>());
        var second = await http.CallToolAsync("connect_stream", Connect(server.StreamUrl, name: "two"), McpTestHost.AdminToken);
        Assert.Equal("CONFLICT", second.ToolError?["code"]?.GetValue<string>());
        Assert.Contains("LiveIngest:MaxStreams", second.ToolError!["message"]!.GetValue<string>());
        Assert.Equal(1, server.Connections);
    }
}
