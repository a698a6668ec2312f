using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Sensor.Publishing;

namespace NerfEngine.Tests.SensorNode.Pipeline;

/// <summary>Which publish linger a replay's outbox gets (PublishingOptions.DefaultPublishLinger).</summary>
public sealed class ReplayOutboxOptionsTests
{
    [Fact]
    public void A_two_thread_replay_at_full_speed_publishes_each_batch_as_it_is_sealed()
    {
        ReplayOptions options = ReplayOptions.For("x.pcap");
        PublishingOptions outbox = ReplayPipeline.OutboxOptions(options);
        Assert.Equal(TimeSpan.Zero, outbox.PublishLinger);
        Assert.Null(options.Publishing.PublishLinger); // the configured settings are not changed
        Assert.Equal(options.Publishing.WhenOutboxFull, outbox.WhenOutboxFull);
        Assert.Equal(options.Publishing.OutboxCapacity, outbox.OutboxCapacity);
    }

    [Fact]
    public void One_thread_and_paced_replays_keep_the_default_linger()
    {
        ReplayOptions oneThread = ReplayOptions.For("x.pcap") with { Threads = ReplayOptions.OneThread };
        ReplayOptions paced = ReplayOptions.For("x.pcap") with { Speed = ReplaySpeed.Recorded };
        Assert.Same(oneThread.Publishing, ReplayPipeline.OutboxOptions(oneThread));
        Assert.Same(paced.Publishing, ReplayPipeline.OutboxOptions(paced));
        Assert.Null(ReplayPipeline.OutboxOptions(oneThread).PublishLinger); // the outbox then lingers DefaultPublishLinger
    }

    [Fact]
    public void A_configured_linger_is_kept_in_every_mode()
    {
        var publishing = new PublishingOptions { PublishLinger = TimeSpan.FromMilliseconds(3) };
        ReplayOptions twoThreads = ReplayOptions.For("x.pcap") with { Publishing = publishing };
        Assert.Equal(TimeSpan.FromMilliseconds(3), ReplayPipeline.OutboxOptions(twoThreads).PublishLinger);
    }
}
