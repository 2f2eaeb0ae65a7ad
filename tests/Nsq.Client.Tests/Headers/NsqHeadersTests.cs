using static Nsq.TestUtilities.Client.ClientTestHelpers;
namespace Nsq.Client.Tests.Headers;

/// <summary>The headers type on its own: order, case-insensitive lookup, editing, name rules, read-only lists.</summary>
public sealed class NsqHeadersTests
{
    [Fact]
    public void Lookup_ignores_case_and_keeps_order_and_duplicates()
    {
        var h = new NsqHeaders { { "A", "1" }, { "b", "2" }, { "a", "3" } };
        Assert.Equal(3, h.Count);
        Assert.Equal("1", h["a"]);
        Assert.Null(h["missing"]);
        Assert.Equal(["1", "3"], h.GetValues("A"));
        Assert.Equal(new KeyValuePair<string, string>("b", "2"), h[1]);
    }

    [Fact]
    public void Set_replaces_every_entry_of_a_name_and_Remove_counts_them()
    {
        var h = new NsqHeaders { { "A", "1" }, { "b", "2" }, { "a", "3" } };
        h.Set("a", "9");
        Assert.Equal([KeyValuePair.Create("b", "2"), KeyValuePair.Create("a", "9")], h.ToArray());
        Assert.Equal(1, h.Remove("B"));
        Assert.Equal(0, h.Remove("b"));
        Assert.Single(h);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("colon:")]
    [InlineData("naïve")]
    public void Invalid_names_are_refused(string name)
    {
        Assert.False(NsqHeaders.IsValidName(name));
        Assert.Throws<ArgumentException>(() => new NsqHeaders().Add(name, "v"));
    }

    [Fact]
    public void A_name_of_256_characters_is_refused_and_255_accepted()
    {
        Assert.True(NsqHeaders.IsValidName(new string('n', 255)));
        Assert.Throws<ArgumentException>(() => new NsqHeaders().Add(new string('n', 256), "v"));
    }

    [Fact]
    public void Empty_is_shared_and_read_only()
    {
        Assert.Empty(NsqHeaders.Empty);
        Assert.True(NsqHeaders.Empty.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => NsqHeaders.Empty.Add("a", "b"));
    }
}
