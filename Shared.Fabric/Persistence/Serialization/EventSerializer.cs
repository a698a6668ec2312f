using System.Text.Json;

namespace NerfEngine.Shared.Fabric.Persistence.Serialization;

/// <summary>
/// Maps event and snapshot CLR types to manifest strings and back, with System.Text.Json payloads. Types are
/// registered explicitly (no assembly scanning), so renaming a class never silently changes what is on disk:
/// the manifest is the stable contract.
/// </summary>
/// <remarks>Register everything at start-up, then share the instance; lookups are read-only afterwards.</remarks>
public sealed class EventSerializer
{
    private readonly Dictionary<string, Type> _typesByManifest = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _manifestsByType = new();
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates an empty serializer.</summary>
    /// <param name="options">JSON options; <see cref="JsonSerializerDefaults.Web"/> when null.</param>
    public EventSerializer(JsonSerializerOptions? options = null) =>
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>; both must be unused.</summary>
    public EventSerializer Register<T>(string manifest)
        where T : notnull => Register(typeof(T), manifest);

    /// <summary>Registers <paramref name="type"/> under <paramref name="manifest"/>; both must be unused.</summary>
    public EventSerializer Register(Type type, string manifest)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifest);
        if (_typesByManifest.TryGetValue(manifest, out var existing))
        {
            throw new ArgumentException($"Manifest '{manifest}' is already registered for {existing.FullName}.", nameof(manifest));
        }

        if (_manifestsByType.TryGetValue(type, out var existingManifest))
        {
            throw new ArgumentException($"{type.FullName} is already registered as manifest '{existingManifest}'.", nameof(type));
        }

        _typesByManifest.Add(manifest, type);
        _manifestsByType.Add(type, manifest);
        return this;
    }

    /// <summary>True when <paramref name="type"/> has a manifest.</summary>
    public bool IsRegistered(Type type) => _manifestsByType.ContainsKey(type);

    /// <summary>The manifest registered for a value's runtime type.</summary>
    public string ManifestOf(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = value.GetType();
        return _manifestsByType.TryGetValue(type, out var manifest)
            ? manifest
            : throw new EventSerializationException(
                $"{type.FullName} has no manifest: register it with EventSerializer.Register<{type.Name}>(\"…\") before persisting it.", type.FullName ?? type.Name);
    }

    /// <summary>Serializes a registered value to its manifest and JSON payload.</summary>
    public (string Manifest, byte[] Payload) Serialize(object value)
    {
        var manifest = ManifestOf(value);
        return (manifest, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), _options));
    }

    /// <summary>Serializes an event ready for <see cref="IEventJournal.AppendAsync"/>.</summary>
    public EventToAppend ToAppend(object value, IReadOnlyList<string>? tags = null)
    {
        var (manifest, payload) = Serialize(value);
        return new EventToAppend(manifest, payload, tags);
    }

    /// <summary>Deserializes a journal row; unknown manifests and corrupt payloads throw, naming id and sequence.</summary>
    public object Deserialize(JournalEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Deserialize(stored.Manifest, stored.Payload.Span, stored.PersistenceId, stored.SequenceNr, "event");
    }

    /// <summary>Deserializes a snapshot; unknown manifests and corrupt payloads throw, naming id and sequence.</summary>
    public object Deserialize(SnapshotRecord snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Deserialize(snapshot.Manifest, snapshot.Payload.Span, snapshot.PersistenceId, snapshot.SequenceNr, "snapshot");
    }

    private object Deserialize(string manifest, ReadOnlySpan<byte> payload, string persistenceId, long sequenceNr, string what)
    {
        var where = $"{what} of persistence id '{persistenceId}' at sequence {sequenceNr}";
        if (!_typesByManifest.TryGetValue(manifest, out var type))
        {
            throw new EventSerializationException(
                $"Unknown manifest '{manifest}' on the {where}: no type is registered for it (refusing to skip it).", manifest, persistenceId, sequenceNr);
        }

        try
        {
            return JsonSerializer.Deserialize(payload, type, _options)
                ?? throw new JsonException("the payload is JSON null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new EventSerializationException(
                $"Corrupt payload in the {where}: cannot read manifest '{manifest}' as {type.FullName}: {ex.Message}", manifest, persistenceId, sequenceNr, ex);
        }
    }
}
