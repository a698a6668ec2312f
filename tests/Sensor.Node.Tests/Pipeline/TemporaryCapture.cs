using NerfEngine.Sensor.Capture.Files;

namespace NerfEngine.Tests.SensorNode.Pipeline;

/// <summary>A pcap file written by <see cref="PcapWriter"/> in a private temporary directory, deleted on dispose.</summary>
public sealed class TemporaryCapture : IDisposable
{
    private TemporaryCapture(string directory, string path)
    {
        Directory = directory;
        Path = path;
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Writes (timestamp ns, frame) records with nanosecond precision.</summary>
    public static TemporaryCapture Write(IEnumerable<(long TimestampNs, byte[] Frame)> records, string name = "capture.pcap")
    {
        TemporaryCapture capture = Empty(name);
        using PcapWriter writer = PcapWriter.Create(capture.Path, precision: PcapTimestampPrecision.Nanosecond);
        foreach ((long timestamp, byte[] frame) in records)
        {
            writer.WriteRecord(timestamp, frame);
        }

        return capture;
    }

    /// <summary>A directory with a path in it and no file yet.</summary>
    public static TemporaryCapture Empty(string name = "capture.pcap")
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nerf-replay-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new TemporaryCapture(directory, System.IO.Path.Combine(directory, name));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
