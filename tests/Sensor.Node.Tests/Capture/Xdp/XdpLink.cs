using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>What <c>ip link</c> says about XDP on an interface: the independent witness that a program is (not) attached.</summary>
internal static class XdpLink
{
    /// <summary>The "prog/xdp id N" line of <c>ip -d link show dev IF</c>, or null.</summary>
    public static string? AttachedProgram(string interfaceName)
    {
        string shown = ExternalTool.Run("ip", "-d", "link", "show", "dev", interfaceName);
        return shown.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("prog/xdp", StringComparison.Ordinal));
    }

    /// <summary>True when <c>ip link</c> shows any XDP attachment ("xdp", "xdpgeneric", "prog/xdp").</summary>
    public static bool HasXdp(string interfaceName)
    {
        string shown = ExternalTool.Run("ip", "link", "show", "dev", interfaceName);
        return shown.Contains("xdp", StringComparison.Ordinal) || XdpAttachment.QueryProgramId(interfaceName) != 0;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(condition(), $"condition not met within {timeout ?? TimeSpan.FromSeconds(20)}");
    }
}
