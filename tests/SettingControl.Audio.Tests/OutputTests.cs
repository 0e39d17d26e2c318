using System.Buffers.Binary;
using SettingControl.Audio.Chain;
using SettingControl.Audio.Outputs;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Tests;

public sealed class OutputTests : IDisposable
{
    private readonly string _directory = Measure.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_WAV_file_output_is_a_valid_WAV_whenever_a_reader_opens_it()
    {
        var path = Path.Combine(_directory, "room.wav");
        var block = new float[960 * 2];
        var source = new SignalGenerator(SignalGenerator.SignalKind.PinkNoise, WaveFormat.Output, long.MaxValue);
        using var output = new WavFileOutput(path, WaveFormat.Output);
        var checks = 0L;
        using var writing = new CancellationTokenSource();

        // A reader hammering the file from another thread while it grows: every look must be consistent.
        var reader = Task.Run(() =>
        {
            while (!writing.IsCancellationRequested)
            {
                AssertValid(path);
                Interlocked.Increment(ref checks);
            }
        });
        for (var i = 0; i < 400; i++)
        {
            source.Read(block);
            output.Write(block);
            if (i % 20 == 0)
            {
                // Let the reader look at this moment of the file too (no timing: wait for its next look).
                var seen = Interlocked.Read(ref checks);
                SpinWait.SpinUntil(() => Interlocked.Read(ref checks) > seen || reader.IsCompleted, TimeSpan.FromSeconds(10));
                AssertValid(path);
            }
        }

        writing.Cancel();
        await reader;
        Assert.Equal("ok", output.State);
        Assert.Equal(400 * 960, output.FramesWritten);
        var (frames, _) = AssertValid(path);
        Assert.Equal(400 * 960, frames);
        Assert.True(checks > 0);
    }

    [Fact]
    public void An_ALSA_device_that_cannot_open_leaves_a_clear_unavailable_state_and_never_throws()
    {
        using var output = new AlsaOutput("settingcontrol-no-such-device", WaveFormat.Output);
        output.Write(new float[1920]);

        Assert.StartsWith("unavailable: ", output.State);
        Assert.Contains("settingcontrol-no-such-device", output.State);
        Assert.Equal("alsa:settingcontrol-no-such-device", output.Description);
    }

    [Fact]
    public void ALSA_plays_through_libasound_when_the_device_opens()
    {
        // alsa-lib's "null" PCM plugin needs no sound card: it exercises open, set_params and writei.
        using var output = new AlsaOutput("null", WaveFormat.Output);
        var block = new float[960 * 2];
        for (var i = 0; i < 10; i++)
        {
            output.Write(block);
        }

        Assert.Equal("ok", output.State);
    }

    [Fact]
    public void A_file_output_that_cannot_be_created_says_so()
    {
        var blocker = Path.Combine(_directory, "a-file");
        File.WriteAllText(blocker, "x");
        using var output = new WavFileOutput(Path.Combine(blocker, "room.wav"), WaveFormat.Output);
        output.Write(new float[1920]);

        Assert.StartsWith("unavailable: cannot write", output.State);
    }

    [Theory]
    [InlineData("none", null, null, null)]
    [InlineData("alsa", "default", null, null)]
    [InlineData("file", null, "/tmp/room-1.wav", null)]
    [InlineData("file", null, "relative.wav", "path")]
    [InlineData("file", null, "/tmp/room-1.mp3", "path")]
    [InlineData("alsa", "", null, "device")]
    [InlineData("speaker", null, null, "kind")]
    public void Output_settings_are_validated(string kind, string? device, string? path, string? field)
    {
        Assert.Equal(field, new AudioOutputSetting(kind, device, path).Validate()?.Field);
    }

    [Fact]
    public void The_default_output_comes_from_configuration_with_the_room_in_the_path()
    {
        Assert.Equal(new AudioOutputSetting("file", Path: "/srv/audio/room-2.wav"), AudioOutputSetting.FromConfig("file:/srv/audio/{room}.wav", "room-2"));
        Assert.Equal(new AudioOutputSetting("alsa", "hw:1,0"), AudioOutputSetting.FromConfig("alsa:hw:1,0", "r"));
        Assert.Equal(new AudioOutputSetting("alsa", "default"), AudioOutputSetting.FromConfig("alsa", "r"));
        Assert.Equal(AudioOutputSetting.None, AudioOutputSetting.FromConfig("none", "r"));
    }

    [Fact]
    public void Output_settings_persist_in_their_store()
    {
        var path = Path.Combine(_directory, "data", "audio-outputs.json");
        new AudioOutputStore(path).Set("room-1", new AudioOutputSetting("file", Path: "/tmp/r1.wav"));

        Assert.Equal(new AudioOutputSetting("file", Path: "/tmp/r1.wav"), new AudioOutputStore(path).Get("room-1"));
        Assert.Null(new AudioOutputStore(path).Get("room-2"));
    }

    /// <summary>Parses the header with nothing but the bytes on disk and checks every size against the file.</summary>
    private static (long Frames, long DataBytes) AssertValid(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[58];
        var got = file.ReadAtLeast(header, 58, throwOnEndOfStream: false);
        var length = file.Length;
        Assert.Equal(58, got);
        Assert.True(header.AsSpan(0, 4).SequenceEqual("RIFF"u8) && header.AsSpan(8, 4).SequenceEqual("WAVE"u8));
        var riff = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        var factFrames = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(46));
        Assert.True(header.AsSpan(50, 4).SequenceEqual("data"u8));
        var data = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(54));
        Assert.Equal(riff, data + 50);
        Assert.Equal(data, factFrames * 8);
        Assert.True(58 + data <= length, $"header claims {data} data bytes but the file holds {length - 58}");
        Assert.Equal(0u, data % 8);
        return (factFrames, data);
    }
}
