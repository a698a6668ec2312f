using System.Text;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>A private directory with an eve.json path in it, and the writes a Suricata and a logrotate would do.</summary>
internal sealed class EveScratchFile : IDisposable
{
    public EveScratchFile()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nerf-eve-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "eve.json");
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Appends raw text (no newline added), as a writer flushing part of a line would.</summary>
    public void Append(string text) => Append(Path, text);

    /// <summary>Appends whole lines, each with its newline.</summary>
    public void AppendLines(params string[] lines) => Append(string.Concat(lines.Select(line => line + "\n")));

    /// <summary>Appends to any file in the directory (e.g. the rotated one).</summary>
    public static void Append(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>logrotate "create": rename the file away and create an empty one at the path.</summary>
    public string RotateByRename(bool createNew = true)
    {
        string rotated = Path + ".1";
        File.Move(Path, rotated, overwrite: true);
        if (createNew)
        {
            File.WriteAllBytes(Path, []);
        }

        return rotated;
    }

    /// <summary>logrotate "copytruncate": copy the file away, then truncate it in place.</summary>
    public void CopyTruncate()
    {
        File.Copy(Path, Path + ".1", overwrite: true);
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind harms nothing.
        }
    }
}
