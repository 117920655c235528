using System.Runtime.InteropServices;
using System.Security.Authentication;
using Saleschat.Mtls.Certificates;
using Saleschat.Mtls.Http.Transport;
using Xunit;

namespace Saleschat.Mtls.Tests.Core;

/// <summary>
/// The TLS 1.2 cap for store certificates whose key a legacy CAPI provider holds (SChannel cannot sign a TLS 1.3
/// handshake with it: dotnet/runtime#58927) is decided from the certificate's CRYPT_KEY_PROV_INFO, not from the .NET
/// type (GetRSAPrivateKey returns RSACng for CAPI keys too: dotnet/corefx#3502).
/// </summary>
public sealed class KeyProviderInfoTests
{
    private const SslProtocols Tls13 = (SslProtocols)0x3000;

    /// <summary>CRYPT_KEY_PROV_INFO as wincrypt.h declares it, laid out by the marshaller as Windows would.</summary>
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct CryptKeyProvInfo
    {
        public IntPtr ContainerName;
        public IntPtr ProviderName;
        public int ProviderType;
        public int Flags;
        public int ProviderParameterCount;
        public IntPtr ProviderParameters;
        public int KeySpec;
    }

    private static byte[] Bytes(int providerType)
    {
        var info = new CryptKeyProvInfo { ContainerName = (IntPtr)0x1111, ProviderName = (IntPtr)0x2222, ProviderType = providerType, Flags = 0x20, KeySpec = 1 };
        int size = Marshal.SizeOf<CryptKeyProvInfo>();
        IntPtr memory = Marshal.AllocHGlobal(size);
        try
        {
            Marshal.StructureToPtr(info, memory, false);
            var bytes = new byte[size];
            Marshal.Copy(memory, bytes, 0, size);
            return bytes;
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    [Theory]
    [InlineData(0, false)]    // a CNG key storage provider (the Microsoft Software KSP the module imports into)
    [InlineData(1, true)]     // PROV_RSA_FULL: "Microsoft Enhanced Cryptographic Provider v1.0"
    [InlineData(24, true)]    // PROV_RSA_AES: "Microsoft Enhanced RSA and AES Cryptographic Provider"
    [InlineData(12, true)]    // PROV_RSA_SCHANNEL
    public void The_provider_type_is_read_from_the_structure_and_decides_CAPI(int providerType, bool capi)
    {
        int? read = KeyProviderInfo.ProviderTypeOf(Bytes(providerType), IntPtr.Size);
        Assert.Equal(providerType, read);
        Assert.Equal(capi, KeyProviderInfo.IsCapi(read));
    }

    [Fact]
    public void The_offset_follows_the_two_string_pointers_on_32_and_64_bit()
    {
        Assert.Equal((int)Marshal.OffsetOf<CryptKeyProvInfo>(nameof(CryptKeyProvInfo.ProviderType)), KeyProviderInfo.ProviderTypeOffset(IntPtr.Size));
        Assert.Equal(8, KeyProviderInfo.ProviderTypeOffset(4));
        Assert.Equal(16, KeyProviderInfo.ProviderTypeOffset(8));
        var x86 = new byte[28];
        BitConverter.GetBytes(24).CopyTo(x86, 8);
        Assert.Equal(24, KeyProviderInfo.ProviderTypeOf(x86, 4));
    }

    [Fact]
    public void No_provider_info_or_a_short_buffer_is_not_CAPI()
    {
        Assert.Null(KeyProviderInfo.ProviderTypeOf(null!, 8));
        Assert.Null(KeyProviderInfo.ProviderTypeOf(new byte[19], 8));
        Assert.False(KeyProviderInfo.IsCapi(null));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(24, true)]
    public void A_CAPI_key_is_held_to_TLS_1_2_and_others_keep_TLS_1_3(int? providerType, bool capped)
    {
        SslProtocols protocols = TlsPlatform.ProtocolsFor(SslProtocols.Tls12 | Tls13, providerType);
        Assert.Equal(capped ? SslProtocols.Tls12 : SslProtocols.Tls12 | Tls13, protocols);
        Assert.Equal(SslProtocols.Tls12, TlsPlatform.ProtocolsFor(SslProtocols.Tls12, providerType)); // .NET Framework: TLS 1.2 anyway
    }
}
