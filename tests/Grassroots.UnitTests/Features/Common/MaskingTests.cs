using Grassroots.Web.Features.Common;

namespace Grassroots.UnitTests.Features.Common;

public class MaskingTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0510-85551234", "051****1234")]
    [InlineData("12345", "****")]
    [InlineData(null, null)]
    public void Phones_KeepTheirFirstThreeAndLastFourDigits(string? phone, string? masked) => Assert.Equal(masked, Masking.Phone(phone));

    [Theory]
    [InlineData("王小明", "王**")]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("司马相如其人", "司***")]
    [InlineData("李", "李*")]
    [InlineData(null, null)]
    public void Names_KeepTheirFirstCharacterOnly(string? name, string? masked) => Assert.Equal(masked, Masking.Name(name));

    [Theory]
    [InlineData("wang@example.com", "w***@example.com")]
    [InlineData("@example.com", "***")]
    [InlineData("nobody", "***")]
    public void Emails_KeepTheirFirstLetterAndDomain(string email, string masked) => Assert.Equal(masked, Masking.Email(email));
}
