using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Management;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>The Ingress:EveStreamer section: shipped defaults, clear refusals of bad settings, and off by default.</summary>
public sealed class EveStreamerConfigurationTests
{
    [Fact]
    public void The_shipped_defaults_are_port_50051_on_loopback_4_MiB_messages_and_disabled()
    {
        var options = new EveStreamerOptions();
        Assert.False(options.Enabled);
        Assert.Equal("127.0.0.1", options.Hostname);
        Assert.Equal(50051, options.Port);
        Assert.Equal(4 * 1024 * 1024, options.MaxMessageBytes);
        Assert.Equal("grpc:", options.SourcePrefix);
        Assert.Equal((64, 16), (options.MaxConcurrentStreams, options.MaxConcurrentStreamsPerConnection));
        Assert.Equal(TimeSpan.FromMinutes(2), options.MessageIdleTimeout);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(20)), (options.KeepAlivePingDelay, options.KeepAlivePingTimeout));
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bad_settings_are_refused_at_startup_with_every_problem_named()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Add(new()
        {
            ["Ingress:EveStreamer:Enabled"] = "true",
            ["Ingress:EveStreamer:Hostname"] = "example.org",
            ["Ingress:EveStreamer:Port"] = "70000",
            ["Ingress:EveStreamer:MaxMessageBytes"] = "10",
            ["Ingress:EveStreamer:MaxConcurrentStreams"] = "0",
            ["Ingress:EveStreamer:MaxConcurrentStreamsPerConnection"] = "-1",
            ["Ingress:EveStreamer:MessageIdleTimeout"] = "-00:00:01",
            ["Ingress:EveStreamer:KeepAlivePingDelay"] = "00:00:00.500",
            ["Ingress:EveStreamer:Tokens:0:Name"] = "a",
            ["Ingress:EveStreamer:Tokens:0:Token"] = "t",
            ["Ingress:EveStreamer:Tokens:0:TokenSha256"] = new string('a', 64),
            ["Ingress:EveStreamer:Tokens:1:Name"] = "b",
            ["Ingress:EveStreamer:Tokens:1:TokenSha256"] = "not-hex",
            ["Ingress:EveStreamer:Tokens:2:Name"] = "c",
            ["Ingress:EveStreamer:Tokens:2:Token"] = "same",
            ["Ingress:EveStreamer:Tokens:3:Name"] = "d",
            ["Ingress:EveStreamer:Tokens:3:Token"] = "same",
        }));
        Assert.Contains("Hostname must be an IP address", ex.Message);
        Assert.Contains("Port must be 0..65535", ex.Message);
        Assert.Contains("MaxMessageBytes must be at least 1024", ex.Message);
        Assert.Contains("MaxConcurrentStreams must be at least 1, got 0", ex.Message);
        Assert.Contains("MaxConcurrentStreamsPerConnection must be at least 1, got -1", ex.Message);
        Assert.Contains("MessageIdleTimeout must be 0 (off) or positive", ex.Message);
        Assert.Contains("KeepAlivePingDelay must be 0 (no pings) or at least 00:00:01", ex.Message);
        Assert.Contains("Tokens:0: 'a' needs exactly one of Token or TokenSha256", ex.Message);
        Assert.Contains("Tokens:1: 'b' needs exactly one of Token or TokenSha256 (64 hex digits)", ex.Message);
        Assert.Contains("Tokens:3: 'd' has the same token as 'c'", ex.Message);
    }

    [Fact]
    public void Every_setting_binds_from_configuration()
    {
        var services = new ServiceCollection().AddEveStreamerIngress(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingress:EveStreamer:Enabled"] = "true",
            ["Ingress:EveStreamer:Hostname"] = "0.0.0.0",
            ["Ingress:EveStreamer:Port"] = "6000",
            ["Ingress:EveStreamer:MaxMessageBytes"] = "65536",
            ["Ingress:EveStreamer:MaxEntitiesPerEvent"] = "32",
            ["Ingress:EveStreamer:MaxReasonsInSummary"] = "2",
            ["Ingress:EveStreamer:MaxFutureSkew"] = "00:00:30",
            ["Ingress:EveStreamer:EarliestTimestamp"] = "2020-01-01T00:00:00Z",
            ["Ingress:EveStreamer:SourcePrefix"] = "eve:",
            ["Ingress:EveStreamer:MaxConcurrentStreams"] = "8",
            ["Ingress:EveStreamer:MaxConcurrentStreamsPerConnection"] = "2",
            ["Ingress:EveStreamer:MessageIdleTimeout"] = "00:05:00",
            ["Ingress:EveStreamer:KeepAlivePingDelay"] = "00:00:30",
            ["Ingress:EveStreamer:KeepAlivePingTimeout"] = "00:00:10",
            ["Ingress:EveStreamer:Tokens:0:Name"] = "a",
            ["Ingress:EveStreamer:Tokens:0:Token"] = "t",
        }).Build());
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<EveStreamerOptions>();

        Assert.Equal((true, "0.0.0.0", 6000, 65536, 32, 2), (options.Enabled, options.Hostname, options.Port, options.MaxMessageBytes, options.MaxEntitiesPerEvent, options.MaxReasonsInSummary));
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxFutureSkew);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), options.EarliestTimestamp);
        Assert.Equal("eve:", options.SourcePrefix);
        Assert.Equal((8, 2), (options.MaxConcurrentStreams, options.MaxConcurrentStreamsPerConnection));
        Assert.Equal(TimeSpan.FromMinutes(5), options.MessageIdleTimeout);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), (options.KeepAlivePingDelay, options.KeepAlivePingTimeout));
        var kestrel = new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions();
        provider.GetRequiredService<EveStreamerListener>().AddTo(kestrel);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), (kestrel.Limits.Http2.KeepAlivePingDelay, kestrel.Limits.Http2.KeepAlivePingTimeout));
        Assert.True(provider.GetRequiredService<ShipperTokens>().TryAuthenticate("t", out var name));
        Assert.Equal("a", name);
    }

    [Fact]
    public void Zero_turns_the_idle_timeout_and_the_keep_alive_pings_off()
    {
        var options = new EveStreamerOptions { Enabled = true, MessageIdleTimeout = TimeSpan.Zero, KeepAlivePingDelay = TimeSpan.Zero, KeepAlivePingTimeout = TimeSpan.Zero };
        options.Tokens.Add(new EveStreamerTokenOptions { Name = "a", Token = "t" });
        Assert.Empty(options.Validate());
        Assert.False(options.HasMessageIdleTimeout);
        var kestrel = new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions();
        new EveStreamerListener(options).AddTo(kestrel);
        Assert.Equal(TimeSpan.MaxValue, kestrel.Limits.Http2.KeepAlivePingDelay);
    }

    [Fact]
    public void Enabling_the_ingress_without_any_token_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Add(new() { ["Ingress:EveStreamer:Enabled"] = "true" }));
        Assert.Contains("Tokens is empty: every stream would be refused", ex.Message);
    }

    [Fact]
    public async Task A_node_without_the_setting_opens_no_ingress_port_and_needs_no_live_ingest_queue()
    {
        var builder = NodeHost.CreateBuilder("control", new Dictionary<string, string?>
        {
            ["Management:Hostname"] = "127.0.0.1",
            ["Management:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddEveStreamerIngress(builder.Configuration);
        await using var app = builder.Build();
        app.MapManagement();
        app.UseEveStreamerIngress();
        await app.StartAsync();

        Assert.Single(app.Urls);
        Assert.Null(app.Services.GetRequiredService<EveStreamerListener>().EndPoint);
        await app.StopAsync();
    }

    [Fact]
    public void An_enabled_ingress_without_a_live_ingest_queue_says_what_is_missing()
    {
        var builder = NodeHost.CreateBuilder("control", new Dictionary<string, string?>
        {
            ["Management:Port"] = "0",
            ["Ingress:EveStreamer:Enabled"] = "true",
            ["Ingress:EveStreamer:Port"] = "0",
            ["Ingress:EveStreamer:Tokens:0:Name"] = "a",
            ["Ingress:EveStreamer:Tokens:0:Token"] = "t",
        });
        builder.Services.AddEveStreamerIngress(builder.Configuration);
        using var app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.UseEveStreamerIngress());
        Assert.Contains("no ILiveEventSink (the live-ingest queue) is registered", ex.Message);
    }

    private static void Add(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddEveStreamerIngress(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
