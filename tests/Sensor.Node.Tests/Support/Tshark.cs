using System.Globalization;

namespace NerfEngine.Tests.SensorNode.Support;

/// <summary>One frame as tshark sees it: the independent reading our readers are compared with.</summary>
/// <remarks>tshark numbers interfaces per section (<see cref="Section"/> is 1-based); our reader numbers them file-wide.</remarks>
public sealed record TsharkFrame(int Length, int CapturedLength, long TimestampNanoseconds, int Section, int InterfaceId);

public static class Tshark
{
    /// <summary>frame.len, frame.cap_len, frame.time_epoch (exact to the nanosecond), section and interface of every frame.</summary>
    public static IReadOnlyList<TsharkFrame> ReadFrames(string path)
    {
        string output = ExternalTool.Run("tshark", "-n", "-r", path, "-T", "fields",
            "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch", "-e", "frame.section_number", "-e", "frame.interface_id");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            string[] fields = line.Split('\t');
            return new TsharkFrame(int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture),
                ParseEpoch(fields[2]), IntOrZero(fields, 3), IntOrZero(fields, 4));
        }).ToList();
    }

    /// <summary>Runs tshark with IP reassembly off (so each fragment is dissected on its own) and returns the field rows.</summary>
    public static IReadOnlyList<string[]> ReadFields(string path, params string[] fields)
    {
        List<string> arguments = ["-n", "-r", path, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"];
        foreach (string field in fields)
        {
            arguments.AddRange(["-e", field]);
        }
        return ExternalTool.Run("tshark", [.. arguments]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t')).ToList();
    }

    private static int IntOrZero(string[] fields, int index) =>
        fields.Length > index && fields[index].Length > 0 ? int.Parse(fields[index], CultureInfo.InvariantCulture) : 0;

    /// <summary>"1700000000.123456789" → nanoseconds, without a trip through floating point.</summary>
    public static long ParseEpoch(string text)
    {
        string[] parts = text.Split('.');
        long seconds = long.Parse(parts[0], CultureInfo.InvariantCulture);
        string fraction = (parts.Length > 1 ? parts[1] : "").PadRight(9, '0')[..9];
        return seconds * 1_000_000_000 + long.Parse(fraction, CultureInfo.InvariantCulture);
    }
}
