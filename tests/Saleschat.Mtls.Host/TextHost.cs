using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace Saleschat.Mtls.Host;

/// <summary>
/// The smallest PSHost that lets Out-Default render the module's format views to a TextWriter.
/// It never prompts: every Read* and Prompt* call fails, exactly as a CI job without a console must.
/// </summary>
public sealed partial class TextHost : PSHost
{
    private readonly TextHostUserInterface _ui;

    /// <param name="output">Where everything the host shows goes.</param>
    /// <param name="plainText">
    /// Strip ANSI colours (files, pipes, tests). A custom host gets them from the formatter whatever
    /// $PSStyle.OutputRendering says: only PowerShell's own console host removes them.
    /// </param>
    public TextHost(TextWriter output, bool plainText = true) => _ui = new TextHostUserInterface(output, plainText);

    public int? ExitCode { get; private set; }

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "Saleschat.Mtls.Host";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    private sealed partial class TextHostUserInterface(TextWriter writer, bool plainText) : PSHostUserInterface
    {
        private readonly TextWriter output = plainText ? new AnsiStrippingWriter(writer) : writer;

        public override PSHostRawUserInterface RawUI { get; } = new FixedRawUserInterface();

        public override string ReadLine() => throw NoPrompt();
        public override SecureString ReadLineAsSecureString() => throw NoPrompt();
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NoPrompt();
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();

        public override void Write(string value) => output.Write(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => output.Write(value);
        public override void WriteLine(string value) => output.WriteLine(value);
        public override void WriteErrorLine(string value) => output.WriteLine("ERROR: " + value);
        public override void WriteDebugLine(string message) => output.WriteLine("DEBUG: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => output.WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => output.WriteLine("WARNING: " + message);

        private static PSInvalidOperationException NoPrompt() => new("This host never prompts: pass every value as a parameter.");
    }

    private sealed partial class AnsiStrippingWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;
        public override void Write(char value) => inner.Write(value);
        public override void Write(string? value) => inner.Write(value == null ? null : Ansi().Replace(value, string.Empty));
        public override void WriteLine(string? value) => inner.WriteLine(value == null ? null : Ansi().Replace(value, string.Empty));

        [GeneratedRegex("\\x1b\\[[0-9;]*m")]
        private static partial Regex Ansi();
    }

    private sealed class FixedRawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Size BufferSize { get; set; } = new(160, 9999);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new(160, 50);
        public override Size MaxWindowSize => new(160, 50);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new(160, 50);
        public override string WindowTitle { get; set; } = string.Empty;

        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
