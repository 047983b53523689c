// A fingerprinted asset: 3f9a1c2e is a hash of its content, so a changed file gets a new name
// and this one may be cached for a year without ever going stale.
fetch('/items')
  .then((res) => res.json())
  .then((items) => {
    const list = document.getElementById('items');
    for (const item of items) {
      const li = document.createElement('li');
      li.textContent = item.name;
      list.append(li);
    }
  });
