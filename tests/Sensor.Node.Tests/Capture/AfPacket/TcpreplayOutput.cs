using System.Text.RegularExpressions;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>Reads tcpreplay's closing statistics ("Successful packets: N", "Failed packets: N").</summary>
public static partial class TcpreplayOutput
{
    public static long PacketsSent(string output)
    {
        Match successful = Successful().Match(output);
        if (!successful.Success)
        {
            throw new InvalidOperationException($"tcpreplay printed no 'Successful packets' line:\n{output}");
        }
        Match failed = Failed().Match(output);
        if (failed.Success && long.Parse(failed.Groups[1].Value) != 0)
        {
            throw new InvalidOperationException($"tcpreplay failed to send some packets:\n{output}");
        }
        return long.Parse(successful.Groups[1].Value);
    }

    [GeneratedRegex(@"Successful packets:\s+(\d+)")]
    private static partial Regex Successful();

    [GeneratedRegex(@"Failed packets:\s+(\d+)")]
    private static partial Regex Failed();
}
