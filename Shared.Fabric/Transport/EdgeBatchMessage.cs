namespace NerfEngine.Shared.Fabric.Transport;

/// <summary>
/// One edge batch as the transport carries it: opaque payload bytes plus the headers the transport
/// itself needs. The payload is normally a serialised <c>EdgeBatch</c> (proto/edges.proto), but the
/// transport never parses it, so it does not depend on generated types.
/// </summary>
/// <param name="SensorId">The publishing sensor (a message header; RabbitMQ: the <c>app-id</c> property).</param>
/// <param name="BatchSequence">The sensor's batch sequence number, for de-duplication after redelivery.</param>
/// <param name="Payload">The batch bytes. A transport copies them before confirming, so the caller may reuse its buffer afterwards.</param>
public sealed record EdgeBatchMessage(string SensorId, ulong BatchSequence, ReadOnlyMemory<byte> Payload);
