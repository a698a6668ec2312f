using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NerfEngine.Shared.Fabric.Cluster;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Management;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Tests.SharedFabric.Management;

/// <summary>Management HTTP served by a real Kestrel on a free loopback port.</summary>
public sealed class ManagementHttpTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = NodeHost.CreateBuilder("detector", new Dictionary<string, string?>
        {
            ["Management:Port"] = "0",
            ["Node:Hostname"] = "sensor-a",
            ["Node:Roles:0"] = "detector",
            ["Node:Roles:1"] = "control",
        });
        _app = builder.Build();
        _app.MapManagement();
        await _app.StartAsync();
        var url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(url) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Cluster_members_has_the_akka_management_shape()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/cluster/members");

        var self = doc.GetProperty("selfNode").GetString();
        Assert.StartsWith("nerf://nerf@sensor-a:", self);
        Assert.DoesNotContain(":0", self![^2..]);
        var member = Assert.Single(doc.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("node").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(member.GetProperty("nodeUid").GetString()));
        Assert.Equal(["detector", "control"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(doc.GetProperty("unreachable").EnumerateArray());
        Assert.Equal(self, doc.GetProperty("leader").GetString());
        Assert.Equal(self, doc.GetProperty("oldest").GetString());
        Assert.Equal(self, doc.GetProperty("oldestPerRole").GetProperty("control").GetString());
    }

    [Fact]
    public async Task Alive_and_ready_answer_200_once_the_member_is_up()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/ready")).StatusCode);
    }

    [Fact]
    public async Task Shard_placement_lists_regions_and_entity_counts()
    {
        var shards = _app.Services.GetRequiredService<ShardPlacementRegistry>();
        shards.Register("detectors", "3", "nerf://nerf@sensor-a:1", () => 7);
        shards.Register("detectors", "1", "nerf://nerf@sensor-b:1", () => 2);

        var doc = await _http.GetFromJsonAsync<JsonElement>("/cluster/shards/detectors");
        var regions = doc.GetProperty("regions").EnumerateArray().ToArray();
        Assert.Equal(2, regions.Length);
        var a = regions.Single(r => r.GetProperty("shardRegion").GetString() == "nerf://nerf@sensor-a:1");
        var shard = Assert.Single(a.GetProperty("shards").EnumerateArray());
        Assert.Equal("3", shard.GetProperty("shardId").GetString());
        Assert.Equal(7, shard.GetProperty("numEntities").GetInt32());
    }

    [Fact]
    public async Task Unknown_shard_region_is_a_404_with_a_message()
    {
        var response = await _http.GetAsync("/cluster/shards/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format()
    {
        var metrics = _app.Services.GetRequiredService<NerfMetrics>();
        long dropped = 41;
        metrics.Register("nerf_test_batches_dropped_total", MetricKind.Counter, "Batches dropped by design.", () => Interlocked.Read(ref dropped));
        metrics.Register("nerf_test_queue_depth", MetricKind.Gauge, "Depth per shard.", () =>
            [new MetricSample(3, [new("shard", "a\"b")])]);
        Interlocked.Increment(ref dropped);

        var response = await _http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE nerf_test_batches_dropped_total counter\nnerf_test_batches_dropped_total 42\n", text);
        Assert.Contains("# TYPE nerf_test_queue_depth gauge\nnerf_test_queue_depth{shard=\"a\\\"b\"} 3\n", text);
    }
}
