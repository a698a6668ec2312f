using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Tests.ControlNode.LiveIngest.Support;

/// <summary>
/// A real eve-over-WebSocket server on Kestrel (127.0.0.1, any free port): <c>/eve</c> checks the bearer token (401
/// otherwise) and runs the test's script for each connection; <c>/page</c> is a plain HTTP page answering 400 to anything.
/// </summary>
internal sealed class EveStreamServer : IAsyncDisposable
{
    public const string Token = "stream-secret";

    private readonly WebApplication _app;
    private int _connections;

    private EveStreamServer(WebApplication app)
    {
        _app = app;
        var root = new Uri(app.Urls.First());
        StreamUrl = new Uri($"ws://{root.Authority}/eve");
        PageUrl = new Uri($"ws://{root.Authority}/page");
    }

    /// <summary>ws:// URL of the eve stream.</summary>
    public Uri StreamUrl { get; }

    /// <summary>ws:// URL of a plain HTTP page (not a WebSocket endpoint).</summary>
    public Uri PageUrl { get; }

    /// <summary>WebSocket connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Starts a server whose connections each run <paramref name="script"/>(socket, 1-based connection number).</summary>
    public static async Task<EveStreamServer> StartAsync(Func<WebSocket, int, CancellationToken, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        EveStreamServer? server = null;
        app.UseWebSockets();
        app.Map("/eve", async context =>
        {
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var number = Interlocked.Increment(ref server!._connections);
            try
            {
                await script(socket, number, context.RequestAborted);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
        });
        app.Map("/page", async context =>
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("<html><body>Bad Request</body></html>");
        });
        await app.StartAsync();
        server = new EveStreamServer(app);
        return server;
    }

    /// <summary>Sends one text message.</summary>
    public static Task SendAsync(WebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, ct);

    /// <summary>Keeps a connection open until the client closes it or the server stops.</summary>
    public static async Task HoldAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[256];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                return;
            }
        }
    }

    /// <summary>An eve flow line from 10.9.0.1 to 10.9.1.N:443.</summary>
    public static string Flow(int n)
    {
        var second = (n % 60).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        return "{\"timestamp\":\"2024-01-15T10:30:" + second + ".000000+0000\",\"flow_id\":" + n + ",\"event_type\":\"flow\"," +
            "\"src_ip\":\"10.9.0.1\",\"src_port\":40000,\"dest_ip\":\"10.9.1." + n + "\",\"dest_port\":443,\"proto\":\"TCP\"," +
            "\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,\"bytes_toclient\":200," +
            "\"start\":\"2024-01-15T10:30:00.000000+0000\",\"end\":\"2024-01-15T10:30:" + second + ".000000+0000\"}}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
