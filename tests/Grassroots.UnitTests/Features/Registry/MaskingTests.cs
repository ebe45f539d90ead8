using Grassroots.Web.Features.Registry;

namespace Grassroots.UnitTests.Features.Registry;

public class MaskingTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0510-8272", "051****8272")]
    [InlineData("12345", "****")]
    [InlineData(null, null)]
    public void MaskPhone_KeepsOnlyTheEnds(string? phone, string? expected) =>
        Assert.Equal(expected, RegistryMapping.MaskPhone(phone));
}
