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
        var source = new SignalGenerator(SignalGenerator.SignalKind.PinkNoise, AudioFormat.Output, long.MaxValue);
        using var output = new WavFileOutput(_directory, "room.wav", AudioFormat.Output);
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
        using var output = new AlsaOutput("settingcontrol-no-such-device", AudioFormat.Output);
        output.Write(new float[1920]);

        Assert.StartsWith("unavailable: ", output.State);
        Assert.Contains("settingcontrol-no-such-device", output.State);
        Assert.Equal("alsa:settingcontrol-no-such-device", output.Description);
    }

    [Fact]
    public void ALSA_plays_through_libasound_when_the_device_opens()
    {
        // alsa-lib's "null" PCM plugin needs no sound card: it exercises open, set_params and writei.
        using var output = new AlsaOutput("null", AudioFormat.Output);
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
        using var output = new WavFileOutput(blocker, "room.wav", AudioFormat.Output);
        output.Write(new float[1920]);

        Assert.StartsWith("unavailable: cannot write", output.State);
    }

    [Theory]
    [InlineData("none", null, null, null)]
    [InlineData("alsa", "default", null, null)]
    [InlineData("file", null, "room-1.wav", null)]
    [InlineData("file", null, "/tmp/room-1.wav", "path")]
    [InlineData("file", null, "room-1.mp3", "path")]
    [InlineData("alsa", "", null, "device")]
    [InlineData("speaker", null, null, "kind")]
    public void Output_settings_are_validated(string kind, string? device, string? path, string? field)
    {
        Assert.Equal(field, Rules().Check(new AudioOutputSetting(kind, device, path))?.Field);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("sysdefault")]
    [InlineData("sysdefault:1")]
    [InlineData("hw:0")]
    [InlineData("hw:1,0")]
    [InlineData("hw:12,10")]
    [InlineData("plughw:0")]
    [InlineData("plughw:2,3")]
    [InlineData("front:CARD=PCH,DEV=0")] // not on the allow-list, but listed by ALSA (here: by the test's list)
    public void ALSA_device_names_from_the_allow_list_or_that_ALSA_lists_are_accepted(string device)
    {
        Assert.Null(Rules().Check(new AudioOutputSetting("alsa", device)));
    }

    [Theory]
    [InlineData("file:\"|id > pwned.txt\",raw")]
    [InlineData("file:\"/any/path\",raw")]
    [InlineData("file:/any/path")]
    [InlineData("FILE:'/x'")]
    [InlineData("{type file slave.pcm null file \"/tmp/x\"}")]
    [InlineData("plug:{slave.pcm \"hw:0\"}")]
    [InlineData("plug:'hw:0'")]
    [InlineData("hw:0|id")]
    [InlineData("$HOME")]
    [InlineData("hw:0 ")]
    [InlineData("hw:0\n")]
    [InlineData("hw:00")]
    [InlineData("hw:-1")]
    [InlineData("hw:0,0,0")]
    [InlineData("hw:100")]
    [InlineData("sysdefault:CARD=PCH")] // a CARD= form ALSA does not list here
    [InlineData("pulse")]
    [InlineData("listed-but-has-file-in-it")] // listed by the test's "ALSA", refused anyway
    [InlineData("")]
    public void ALSA_device_names_that_could_define_a_plugin_or_are_not_known_are_refused(string device)
    {
        var refusal = Rules().Check(new AudioOutputSetting("alsa", device));
        Assert.Equal("device", refusal?.Field);
        Assert.DoesNotContain(device.Length > 0 ? device : "\0", refusal!.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ALSA_name_that_pipes_to_a_command_never_reaches_ALSA_even_when_the_output_is_built_directly()
    {
        var marker = Path.Combine(_directory, "pwned.txt");
        using (var output = new AlsaOutput($"file:\"|id > {marker}\",raw", AudioFormat.Output))
        {
            output.Write(new float[1920]);
            Assert.StartsWith("refused: ", output.State);
        }

        using (var viaRules = Rules().Open(new AudioOutputSetting("alsa", $"file:\"|id > {marker}\",raw"), AudioFormat.Output))
        {
            viaRules.Write(new float[1920]);
            Assert.Equal("none", viaRules.Description);
            Assert.StartsWith("refused: ", viaRules.State);
        }

        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("room-1.wav")]
    [InlineData("Room_1.take-2.WAV")]
    public void File_output_names_within_the_output_folder_are_accepted(string name)
    {
        Assert.Null(WavFileName.RefusalOf(name));
    }

    [Theory]
    [InlineData("../x.wav", "not a path")]
    [InlineData("/etc/x.wav", "not a path")]
    [InlineData("a/b.wav", "not a path")]
    [InlineData("a\\b.wav", "not a path")]
    [InlineData("..wav", "dot")]
    [InlineData(".hidden.wav", "dot")]
    [InlineData("x\n.wav", "control characters")]
    [InlineData("x\u0007.wav", "control characters")]
    [InlineData("room 1.wav", "letters, digits")]
    [InlineData("room-1.mp3", ".wav")]
    [InlineData(".wav", "dot")]
    [InlineData("", ".wav")]
    public void File_output_names_that_leave_the_output_folder_or_are_odd_are_refused(string name, string reason)
    {
        Assert.Contains(reason, WavFileName.RefusalOf(name));
    }

    [Fact]
    public void File_output_names_are_bounded_in_length()
    {
        Assert.Null(WavFileName.RefusalOf(new string('a', 96) + ".wav"));
        Assert.Contains("at most 100 characters", WavFileName.RefusalOf(new string('a', 97) + ".wav"));
    }

    [Fact]
    public void A_refused_file_name_writes_nothing_anywhere()
    {
        var audio = Path.Combine(_directory, "audio");
        using (var output = Rules().Open(new AudioOutputSetting("file", Path: "../escaped.wav"), AudioFormat.Output))
        {
            output.Write(new float[1920]);
            Assert.StartsWith("refused: ", output.State);
        }

        using (var direct = new WavFileOutput(audio, "../escaped.wav", AudioFormat.Output))
        {
            direct.Write(new float[1920]);
            Assert.StartsWith("refused: ", direct.State);
        }

        Assert.False(File.Exists(Path.Combine(_directory, "escaped.wav")));
        Assert.False(Directory.Exists(audio));
    }

    [Fact]
    public void A_symlink_in_the_output_folder_is_not_followed()
    {
        var audio = Directory.CreateDirectory(Path.Combine(_directory, "audio")).FullName;
        var outside = Path.Combine(_directory, "precious.wav");
        var precious = "RIFF-not-ours"u8.ToArray();
        File.WriteAllBytes(outside, precious);
        File.CreateSymbolicLink(Path.Combine(audio, "room-1.wav"), outside);
        var dangling = Path.Combine(_directory, "created-through-a-link.wav");
        File.CreateSymbolicLink(Path.Combine(audio, "room-2.wav"), dangling);

        using var linked = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output);
        linked.Write(new float[1920]);
        using var danglingLink = new WavFileOutput(audio, "room-2.wav", AudioFormat.Output);
        danglingLink.Write(new float[1920]);

        Assert.StartsWith("refused: 'room-1.wav' in the audio output folder is a symbolic link", linked.State);
        Assert.StartsWith("refused: 'room-2.wav' in the audio output folder is a symbolic link", danglingLink.State);
        Assert.Equal(precious, File.ReadAllBytes(outside));
        Assert.False(File.Exists(dangling));
    }

    [Fact]
    public void A_WAV_file_SettingControl_did_not_make_is_never_truncated()
    {
        var audio = Directory.CreateDirectory(Path.Combine(_directory, "audio")).FullName;
        var foreign = Path.Combine(audio, "session-recording.wav");
        var bytes = WavFileOutput.EmptyFileHeader(AudioFormat.Output).Concat(Enumerable.Range(0, 4000).Select(i => (byte)i)).ToArray();
        File.WriteAllBytes(foreign, bytes);

        using var output = new WavFileOutput(audio, "session-recording.wav", AudioFormat.Output);
        output.Write(new float[1920]);

        Assert.StartsWith("refused: 'session-recording.wav' already exists in the audio output folder and was not made by SettingControl", output.State);
        Assert.Equal(bytes, File.ReadAllBytes(foreign));
    }

    [Fact]
    public void A_file_SettingControl_made_is_started_afresh_but_one_put_in_its_place_is_left_alone()
    {
        var audio = Path.Combine(_directory, "audio");
        var path = Path.Combine(audio, "room-1.wav");
        using (var first = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
            first.Write(new float[1920 * 3]);
        }

        // After a restart the room's own file starts again from an empty timeline.
        using (var again = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
            again.Write(new float[1920]);
            Assert.Equal("ok", again.State);
        }

        Assert.Equal(960, AssertValid(path).Frames);

        // Someone replaces it with their own file of the same name: a new inode, so not ours.
        File.Delete(path);
        var theirs = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(path, theirs);
        using (var replaced = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
            replaced.Write(new float[1920]);
            Assert.StartsWith("refused: ", replaced.State);
        }

        Assert.Equal(theirs, File.ReadAllBytes(path));

        // A hard link to someone else's file under the name is refused too (the link count shows it).
        File.Delete(path);
        using (new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
        }

        var other = Path.Combine(_directory, "other.wav");
        File.Move(path, other);
        Measure.Run("ln", other, path);
        using (var hardLinked = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
            Assert.StartsWith("refused: ", hardLinked.State);
        }
    }

    [Fact]
    public void A_FIFO_under_the_name_neither_blocks_nor_is_written()
    {
        var audio = Directory.CreateDirectory(Path.Combine(_directory, "audio")).FullName;
        Measure.Run("mkfifo", Path.Combine(audio, "room-1.wav"));

        using var output = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output);

        Assert.NotEqual("ok", output.State);
    }

    [Fact]
    public void Only_the_output_folder_itself_is_ever_created()
    {
        var nested = Path.Combine(_directory, "missing", "audio");
        using (var output = new WavFileOutput(nested, "room-1.wav", AudioFormat.Output))
        {
            Assert.StartsWith("unavailable: the audio output folder", output.State);
        }

        Assert.False(Directory.Exists(Path.Combine(_directory, "missing")));

        var audio = Path.Combine(_directory, "audio");
        using (var output = new WavFileOutput(audio, "room-1.wav", AudioFormat.Output))
        {
            Assert.Equal("ok", output.State);
        }

        Assert.True(File.Exists(Path.Combine(audio, "room-1.wav")));
    }

    [Fact]
    public void The_default_output_comes_from_configuration_with_the_room_in_the_name()
    {
        Assert.Equal(new AudioOutputSetting("file", Path: "room-2.wav"), AudioOutputSetting.FromConfig("file:{room}.wav", "room-2"));
        Assert.Equal(new AudioOutputSetting("alsa", "hw:1,0"), AudioOutputSetting.FromConfig("alsa:hw:1,0", "r"));
        Assert.Equal(new AudioOutputSetting("alsa", "default"), AudioOutputSetting.FromConfig("alsa", "r"));
        Assert.Equal(AudioOutputSetting.None, AudioOutputSetting.FromConfig("none", "r"));

        // An old-style absolute path in the configuration is refused when the room's output opens.
        Assert.Equal("path", Rules().Check(AudioOutputSetting.FromConfig("file:/srv/audio/{room}.wav", "room-2"))?.Field);
    }

    [Fact]
    public void Output_settings_persist_in_their_store()
    {
        var path = Path.Combine(_directory, "data", "audio-outputs.json");
        new AudioOutputStore(path).Set("room-1", new AudioOutputSetting("file", Path: "r1.wav"));

        Assert.Equal(new AudioOutputSetting("file", Path: "r1.wav"), new AudioOutputStore(path).Get("room-1"));
        Assert.Null(new AudioOutputStore(path).Get("room-2"));
    }

    /// <summary>Rules with the output folder in the test's directory and a stand-in for what ALSA lists.</summary>
    private AudioOutputRules Rules() =>
        new(Path.Combine(_directory, "audio"), () => ["null", "front:CARD=PCH,DEV=0", "listed-but-has-file-in-it"]);

    /// <summary>Parses the header with nothing but the bytes on disk and checks every size against the file.</summary>
    private static (long Frames, long DataBytes) AssertValid(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[58];
        int got;
        long length;
        using (var headerLock = WavFileOutput.LockHeaderForReading(file.SafeFileHandle))
        {
            // A reader following the file live holds the header lock, so it never sees half a header update.
            Assert.NotNull(headerLock);
            got = file.ReadAtLeast(header, 58, throwOnEndOfStream: false);
            length = file.Length;
        }

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
