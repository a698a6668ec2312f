namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Settings of the <see cref="EveJsonCaptureEngine"/> (configuration section <c>EveJson</c>): the
/// file and how it is followed, how events become edges, and whether a missing file is an error.
/// </summary>
public sealed record EveJsonCaptureOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "EveJson";

    /// <summary>A missing file fails the start: a typo in the path should not look like a quiet network.</summary>
    public const bool DefaultWaitForFile = false;

    /// <summary>How the file is followed (its path is required).</summary>
    public required EveTailerOptions Tailer { get; init; }

    /// <summary>How events become edges.</summary>
    public EveMapperOptions Mapping { get; init; } = new();

    /// <summary>
    /// Start even when the file does not exist yet and read it from its start once it appears
    /// (<c>--wait-for-file</c>), for sensors started before Suricata. See <see cref="DefaultWaitForFile"/>.
    /// </summary>
    public bool WaitForFile { get; init; } = DefaultWaitForFile;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Tailer, nameof(Tailer));
        ArgumentNullException.ThrowIfNull(Mapping, nameof(Mapping));
        Tailer.Validate();
        Mapping.Validate();
    }
}
