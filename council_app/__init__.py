"""The council session and minutes system (서울특별시 금천구의회 first)."""
