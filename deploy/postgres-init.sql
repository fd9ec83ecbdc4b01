-- Second database on the same server: Conductor's state next to reflector's.
CREATE DATABASE conductor OWNER reflector;
