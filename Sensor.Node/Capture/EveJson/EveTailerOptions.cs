namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Settings of the <see cref="EveJsonTailer"/>: which file, where to start, how often to look for
/// new lines, and the bounds that keep one bad line from taking the sensor's memory.
/// </summary>
public sealed record EveTailerOptions
{
    /// <summary>
    /// How often the file is checked for new lines and rotation. Suricata flushes eve.json in bursts;
    /// a quarter second keeps edges timely without a busy loop.
    /// </summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest line accepted (1 MiB, newline excluded); longer lines are counted and skipped.</summary>
    public const int DefaultMaxLineLength = 1 << 20;

    /// <summary>Bytes read per read call: large enough to amortise the syscall over hundreds of lines.</summary>
    public const int DefaultReadChunkSize = 64 * 1024;

    /// <summary>Smallest chunk accepted: a chunk must hold more than a handful of bytes to make progress.</summary>
    public const int MinReadChunkSize = 64;

    /// <summary>
    /// After the path starts naming a new file (rename rotation), how long the old file must stay
    /// quiet before the tailer switches. logrotate creates the new file before Suricata is told to
    /// reopen, so Suricata may still append to the old one for a moment; switching at once would lose
    /// those lines. Zero switches as soon as the old file is drained.
    /// </summary>
    public static readonly TimeSpan DefaultRotationQuietPeriod = TimeSpan.FromSeconds(1);

    /// <summary>The eve.json file to follow (required: <see cref="Validate"/> refuses an empty path).</summary>
    public string Path { get; init; } = "";

    /// <summary>Where reading starts in the file found at start-up; a file created later is read from its start.</summary>
    public EveTailStart Start { get; init; } = EveTailStart.End;

    /// <summary>See <see cref="DefaultPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>See <see cref="DefaultMaxLineLength"/>.</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>See <see cref="DefaultReadChunkSize"/>.</summary>
    public int ReadChunkSize { get; init; } = DefaultReadChunkSize;

    /// <summary>See <see cref="DefaultRotationQuietPeriod"/>.</summary>
    public TimeSpan RotationQuietPeriod { get; init; } = DefaultRotationQuietPeriod;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at start-up.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path, nameof(Path));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(RotationQuietPeriod, TimeSpan.Zero, nameof(RotationQuietPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineLength, 1, nameof(MaxLineLength));
        // The buffer holds one maximal line and its newline; keep that an array-sized quantity.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxLineLength, 1 << 30, nameof(MaxLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadChunkSize, MinReadChunkSize, nameof(ReadChunkSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReadChunkSize, 1 << 30, nameof(ReadChunkSize));
        if (!Enum.IsDefined(Start))
        {
            throw new ArgumentOutOfRangeException(nameof(Start), Start, "Unknown start position.");
        }
    }
}
