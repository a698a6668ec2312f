using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>The rotation signal: a path's identity equals its open handle's until the path names another file.</summary>
public sealed class FileIdentityTests : IDisposable
{
    private readonly EveScratchFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public void A_path_and_its_open_handle_agree_until_the_file_is_renamed_away_and_recreated()
    {
        _file.AppendLines("x");
        using var handle = File.OpenHandle(_file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        Assert.True(FileIdentity.TryOfPath(_file.Path, out FileIdentity before));
        Assert.True(FileIdentity.TryOfHandle(handle, out FileIdentity opened));
        Assert.Equal(before, opened);

        string rotated = _file.RotateByRename();
        Assert.True(FileIdentity.TryOfPath(_file.Path, out FileIdentity after));
        Assert.True(FileIdentity.TryOfPath(rotated, out FileIdentity moved));

        Assert.NotEqual(opened, after);
        Assert.Equal(opened, moved);
    }

    [Fact]
    public void A_missing_path_has_no_identity()
    {
        Assert.False(FileIdentity.TryOfPath(_file.Path, out _));
    }
}
