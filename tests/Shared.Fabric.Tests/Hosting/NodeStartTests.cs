using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NerfEngine.Shared.Fabric.Hosting;

namespace NerfEngine.Tests.SharedFabric.Hosting;

/// <summary><see cref="NodeHost.StartAsync"/>: a port in use is one clear exception naming the setting, not a logged stack trace.</summary>
public sealed class NodeStartTests
{
    [Fact]
    public async Task A_management_port_in_use_fails_the_start_naming_Management_Port_and_the_host_does_not_log_the_stack()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var builder = NodeHost.CreateBuilder("sensor", new Dictionary<string, string?> { ["Management:Port"] = port.ToString() });
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        await using var app = builder.Build();

        var failure = await Assert.ThrowsAsync<IOException>(() => NodeHost.StartAsync(app));

        Assert.StartsWith($"cannot listen on 127.0.0.1:{port} for management HTTP: the address is already in use", failure.Message);
        Assert.Contains("set Management:Port to a free port", failure.Message);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task After_the_start_the_hosts_own_errors_are_logged_again()
    {
        var builder = NodeHost.CreateBuilder("sensor", new Dictionary<string, string?> { ["Management:Port"] = "0" });
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        await using var app = builder.Build();
        await NodeHost.StartAsync(app);

        ((ILoggerFactory)app.Services.GetService(typeof(ILoggerFactory))!).CreateLogger("Microsoft.Extensions.Hosting.Internal.Host").LogError("background service faulted");
        await app.StopAsync();

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message == "background service faulted");
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
