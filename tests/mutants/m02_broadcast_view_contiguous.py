"""Expands, then calls .contiguous(): materialises the broadcast in new memory."""
EXERCISE = "2.3"
CATCHES = ("check_broadcast_view_allocates_nothing",)


def broadcast_view(x, shape):
    return x.expand(shape).contiguous()
