namespace Grassroots.Web.Features.Demo;

/// <summary>Pools of Chinese characters and words the demo city draws its names from.</summary>
internal static class ChineseNames
{
    public static readonly string[] Surnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
        "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曹", "曾", "彭", "萧", "蔡", "潘", "田",
        "董", "袁", "于", "余", "叶", "蒋", "杜", "苏", "魏", "程", "吕", "丁", "沈", "任", "姚", "卢", "钱", "顾",
        "秦", "华", "陆", "缪", "浦", "荣",
    ];

    public static readonly string[] GivenChars =
    [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
        "霞", "平", "刚", "桂", "英", "华", "建", "国", "志", "红", "文", "斌", "宇", "浩", "凯", "晨", "欣", "怡",
        "佳", "雪", "琳", "晓", "海", "波", "峰", "俊", "丹", "颖", "亮", "婷", "鹏", "辉", "燕", "玉", "兰", "萍",
        "荣", "新", "春", "东", "锋", "蕾",
    ];

    /// <summary>Characters for place names, in the style of Wuxi's communities and villages.</summary>
    public static readonly string[] PlaceChars =
    [
        "清", "扬", "梅", "园", "广", "益", "惠", "山", "锡", "北", "太", "湖", "金", "星", "阳", "光", "新", "华",
        "春", "江", "南", "长", "安", "河", "埒", "蠡", "溪", "荣", "巷", "东", "西", "桥", "塘", "泾", "港", "浜",
        "里", "庄", "村", "前", "后", "洲", "渚", "堰", "钱", "胡", "埭", "芦", "苑", "亭", "鸿", "旺", "丰", "盛",
        "兴", "隆", "和", "平", "宁", "康", "乐", "福", "祥", "瑞", "嘉", "顺", "泰", "通", "运", "黄", "泥", "坝",
        "尚", "贤", "映", "月", "翠", "竹", "松", "柏", "杨", "柳", "桃", "李", "杏", "荷", "莲", "菱", "藕", "稻",
    ];

    public static readonly string[] CompoundSuffixes =
    [
        "花园", "新村", "家园", "苑", "公寓", "雅苑", "名邸", "佳园", "嘉园", "小区", "景园", "丽舍", "湾", "府",
    ];

    public static readonly string[] Schools = ["实验小学", "中心小学", "初级中学", "高级中学", "职业技术学校"];

    public static readonly string[] Hospitals = ["人民医院", "中医院", "妇幼保健院", "第二人民医院"];

    public static readonly string[] Parks = ["科技产业园", "物联网产业园", "智能制造园", "电商产业园", "文创园"];

    public static string Person(Random random) =>
        Surnames[random.Next(Surnames.Length)] + GivenChars[random.Next(GivenChars.Length)]
        + (random.Next(3) == 0 ? string.Empty : GivenChars[random.Next(GivenChars.Length)]);

    public static string Place(Random random) =>
        string.Concat(PlaceChars[random.Next(PlaceChars.Length)], PlaceChars[random.Next(PlaceChars.Length)]);
}
