using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Serialization;

namespace NerfEngine.Tests.SharedFabric.Persistence;

public sealed class EventSerializerTests
{
    private readonly EventSerializer _serializer = TallyModel.NewSerializer();

    [Fact]
    public void Registered_events_round_trip_through_their_manifest()
    {
        var append = _serializer.ToAppend(new SensorRenamed("edge-1"), ["t"]);

        Assert.Equal(TallyModel.RenamedManifest, append.Manifest);
        Assert.Equal(new SensorRenamed("edge-1"), _serializer.Deserialize(Row(append.Manifest, append.Payload.ToArray())));
    }

    [Fact]
    public void An_unregistered_type_cannot_be_persisted()
    {
        var error = Assert.Throws<EventSerializationException>(() => _serializer.ToAppend(new Uri("http://x")));

        Assert.Contains("System.Uri", error.Message, StringComparison.Ordinal);
        Assert.Contains("Register", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_or_type_can_be_registered_only_once()
    {
        Assert.Throws<ArgumentException>(() => _serializer.Register<string>(TallyModel.EdgesManifest));
        Assert.Throws<ArgumentException>(() => _serializer.Register<EdgesCounted>("another"));
    }

    [Fact]
    public void An_unknown_manifest_names_manifest_id_and_sequence()
    {
        var error = Assert.Throws<EventSerializationException>(() => _serializer.Deserialize(Row("gone.v1", "{}"u8.ToArray())));

        Assert.Equal(("gone.v1", "sensor-9", 42L), (error.Manifest, error.PersistenceId, error.SequenceNr));
        Assert.Contains("'gone.v1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sensor-9' at sequence 42", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"count\":\"many\"}")]
    [InlineData("\u0001garbage")]
    public void A_payload_that_does_not_read_as_its_type_is_an_error(string payload)
    {
        var error = Assert.Throws<EventSerializationException>(
            () => _serializer.Deserialize(Row(TallyModel.EdgesManifest, System.Text.Encoding.UTF8.GetBytes(payload))));

        Assert.Contains("'sensor-9' at sequence 42", error.Message, StringComparison.Ordinal);
    }

    private static JournalEvent Row(string manifest, byte[] payload) =>
        new(1, "sensor-9", 42, DateTimeOffset.UnixEpoch, manifest, payload, [], new byte[32], new byte[32], false);
}
